import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO
import Testing

/// Regression: a service role that owns its provisioned schema but has no CREATE on the database
/// could not start, because `CREATE SCHEMA IF NOT EXISTS` checks that privilege even when the schema exists.
@Suite(.timeLimit(.minutes(2)))
struct MigratorRoleTests {
    @Test("a role owning a provisioned schema, without CREATE on the database, migrates it")
    func provisionedRole() async throws {
        let admin = try await PostgresTestCluster.makeSchema(prefix: "role")
        let role = "careloop_\(admin.schema)"
        let logger = PostgresTestCluster.logger
        try await PostgresTestCluster.withAdminConnection(to: admin) { connection in
            try await connection.query("CREATE ROLE \(unescaped: role) LOGIN", logger: logger)
            try await connection.query("REVOKE CREATE ON DATABASE \(unescaped: admin.database) FROM PUBLIC", logger: logger)
            try await connection.query("ALTER SCHEMA \(unescaped: admin.schema) OWNER TO \(unescaped: role)", logger: logger)
        }
        var configuration = admin
        configuration.user = role
        let applied = try await Migrator(configuration: configuration, logger: logger).migrate(
            service: "svc", migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (id int)")])
        #expect(applied.map(\.description).contains("svc/1 t"))
        try await PostgresTestCluster.dropSchema(admin)
        try await PostgresTestCluster.withAdminConnection(to: admin) { connection in
            try await connection.query("DROP ROLE \(unescaped: role)", logger: logger)
        }
    }
}
