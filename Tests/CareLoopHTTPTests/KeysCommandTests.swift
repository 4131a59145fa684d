import CareLoopHTTP
import CareLoopRuntime
import Testing

@Suite struct KeysCommandTests {
    @Test func createParsesEveryOption() throws {
        let command = try KeysCommand(arguments: [
            "create", "--name", "acme-crm", "--scopes", "read, write", "--cities", "shenzhen,wuhan", "--subject", "S-9", "--rate", "50",
        ])
        #expect(command.action == .create(name: "acme-crm", scopes: [.read, .write], cities: ["shenzhen", "wuhan"], subject: "S-9", rate: 50))
        #expect(try KeysCommand(arguments: ["list"]).action == .list)
        #expect(try KeysCommand(arguments: ["revoke", "abcdefghijkl"]).action == .revoke(id: "abcdefghijkl"))
    }

    @Test(arguments: [
        ([], "missing subcommand"),
        (["rotate"], "unknown subcommand 'rotate'"),
        (["create", "--scopes", "read"], "--name is required"),
        (["create", "--name", "x"], "--scopes is required"),
        (["create", "--name", "x", "--scopes", "read,superuser"], "--scopes: unknown scope 'superuser'"),
        (["create", "--name", "x", "--scopes", "read", "--rate", "fast"], "--rate must be a number"),
        (["create", "--name", "x", "--scopes", "read", "--color", "red"], "unknown option '--color'"),
        (["create", "--name"], "--name needs a value"),
        (["revoke"], "'keys revoke' needs exactly one key id"),
        (["list", "all"], "'keys list' takes no arguments"),
    ])
    func usageErrorsNameTheProblem(_ arguments: [String], _ message: String) {
        #expect {
            try KeysCommand(arguments: arguments)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
