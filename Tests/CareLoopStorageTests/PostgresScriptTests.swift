import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO
import Testing

@Suite(.timeLimit(.minutes(1)))
struct PostgresScriptTests {
    let logger = PostgresTestCluster.logger

    @Test func provisionIsIdempotentAndGivesEachServiceRoleItsOwnSchema() async throws {
        let endpoint = try PostgresTestCluster.endpoint()
        try PostgresTestCluster.runScript(["provision", endpoint.host, "\(endpoint.port)"])
        try PostgresTestCluster.runScript(["provision", endpoint.host, "\(endpoint.port)"])

        for schema in ["intake", "routing", "repair_dispatch", "survey", "notification"] {
            let configuration = DatabaseConfiguration(
                host: endpoint.host, port: endpoint.port, user: "careloop_\(schema)", password: nil,
                database: "careloop", schema: schema)
            let owner = try await PostgresTestCluster.withAdminConnection(to: configuration) { connection in
                // The role may create tables in its schema (rolled back: leaves nothing behind).
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("CREATE TABLE provision_probe (id int)", logger: logger)
                try await connection.query("ROLLBACK", logger: logger)
                let rows = try await connection.query(
                    "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = \(schema)", logger: logger)
                for try await owner in rows.decode(String.self) { return owner }
                return ""
            }
            #expect(owner == "careloop_\(schema)")
        }
    }

    @Test func aServiceRoleCannotWriteIntoAnotherServicesSchema() async throws {
        let endpoint = try PostgresTestCluster.endpoint()
        try PostgresTestCluster.runScript(["provision", endpoint.host, "\(endpoint.port)"])
        let intake = DatabaseConfiguration(
            host: endpoint.host, port: endpoint.port, user: "careloop_intake", password: nil, database: "careloop",
            schema: "intake")

        let error = await #expect(throws: PSQLError.self) {
            try await PostgresTestCluster.withAdminConnection(to: intake) { connection in
                _ = try await connection.query("CREATE TABLE routing.provision_probe (id int)", logger: logger)
            }
        }

        #expect(error?.serverInfo?[.sqlState] == "42501")  // insufficient_privilege
    }
}
