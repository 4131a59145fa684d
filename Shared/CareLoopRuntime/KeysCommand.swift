import CareLoopHTTP
import CareLoopStorage
import Foundation
import Logging

/// `careloop-<service> keys create|list|revoke`: manages the service's API keys in its own schema.
///
/// `create --name <name> --scopes read,write[,staff,technician,admin] [--cities a,b] [--subject <id>] [--rate <per-second>]`
/// prints the new key once; only its hash is stored. `list` prints every key without secrets; `revoke <key-id>` revokes one.
package struct KeysCommand {
    /// What to do.
    package enum Action: Equatable {
        case create(name: String, scopes: Set<APIScope>, cities: Set<String>, subject: String?, rate: Double?)
        case list
        case revoke(id: String)
    }

    /// The parsed action.
    package var action: Action

    /// Usage text printed with every usage error.
    package static let usage = """
        usage: keys create --name <name> --scopes <scope,...> [--cities <city,...>] [--subject <staff-or-technician-id>] [--rate <requests-per-second>]
               keys list
               keys revoke <key-id>
        scopes: \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))
        """

    /// Parses the words after `keys`; the error names the offending option.
    package init(arguments: [String]) throws(KeysCommandError) {
        guard let verb = arguments.first else { throw KeysCommandError("missing subcommand (create, list or revoke)") }
        let rest = Array(arguments.dropFirst())
        switch verb {
        case "list":
            guard rest.isEmpty else { throw KeysCommandError("'keys list' takes no arguments") }
            action = .list
        case "revoke":
            guard rest.count == 1, let id = rest.first, !id.hasPrefix("-") else { throw KeysCommandError("'keys revoke' needs exactly one key id") }
            action = .revoke(id: id)
        case "create":
            var options: [String: String] = [:]
            var index = 0
            while index < rest.count {
                let option = rest[index]
                guard ["--name", "--scopes", "--cities", "--subject", "--rate"].contains(option) else {
                    throw KeysCommandError("unknown option '\(option)'")
                }
                guard index + 1 < rest.count, !rest[index + 1].hasPrefix("--") else { throw KeysCommandError("\(option) needs a value") }
                options[option] = rest[index + 1]
                index += 2
            }
            guard let name = options["--name"]?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 128 else {
                throw KeysCommandError("--name is required (1–128 characters)")
            }
            guard let scopeText = options["--scopes"] else { throw KeysCommandError("--scopes is required") }
            var scopes: Set<APIScope> = []
            for word in Self.list(scopeText) {
                guard let scope = APIScope(rawValue: word) else { throw KeysCommandError("--scopes: unknown scope '\(word)'") }
                scopes.insert(scope)
            }
            guard !scopes.isEmpty else { throw KeysCommandError("--scopes: at least one scope is required") }
            var rate: Double?
            if let text = options["--rate"] {
                guard let value = Double(text), value > 0, value <= 1_000_000 else {
                    throw KeysCommandError("--rate must be a number of requests per second above 0")
                }
                rate = value
            }
            action = .create(name: name, scopes: scopes, cities: Set(Self.list(options["--cities"] ?? "")), subject: options["--subject"], rate: rate)
        default:
            throw KeysCommandError("unknown subcommand '\(verb)' (create, list or revoke)")
        }
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Runs the action against `store` and returns what to print.
    package func run(store: APIKeyStore) async throws -> String {
        switch action {
        case .create(let name, let scopes, let cities, let subject, let rate):
            let (client, key) = try await store.create(name: name, scopes: scopes, cities: cities, subject: subject, ratePerSecond: rate)
            return """
                key id:  \(client.id)
                key:     \(key)
                (shown once; store it now — only its hash is kept)
                """
        case .list:
            let formatter = ISO8601DateFormatter()
            let rows = try await store.list().map { record in
                let client = record.client
                return [
                    client.id, client.name, client.scopes.map(\.rawValue).sorted().joined(separator: ","),
                    client.cities.isEmpty ? "*" : client.cities.sorted().joined(separator: ","), client.subject ?? "-",
                    client.ratePerSecond.map { String($0) } ?? "default", formatter.string(from: record.createdAt),
                    record.revokedAt.map { "revoked " + formatter.string(from: $0) } ?? "active",
                ].joined(separator: "\t")
            }
            return (["id\tname\tscopes\tcities\tsubject\trate\tcreated\tstatus"] + rows).joined(separator: "\n")
        case .revoke(let id):
            return try await store.revoke(id: id) ? "revoked \(id)" : "no active key '\(id)'"
        }
    }
}

/// A usage mistake in `keys …`, naming the option.
package struct KeysCommandError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
