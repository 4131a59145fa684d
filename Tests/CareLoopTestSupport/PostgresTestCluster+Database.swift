import CareLoopStorage

extension PostgresTestCluster {
    /// Runs `body` with a running ``Database`` in a fresh schema where `migrations` are applied, then stops the
    /// pool and drops the schema (kept when `body` fails, for a look with `psql`).
    package static func withDatabase<T: Sendable>(
        prefix: String = "test",
        migrations: [MigrationSet] = [.platform],
        _ body: (Database) async throws -> T
    ) async throws -> T {
        let configuration = try await makeSchema(prefix: prefix)
        try await Migrator(configuration: configuration, logger: logger).migrate(migrations)
        let database = try Database(configuration: configuration, logger: logger)
        let result = try await withRunning([database]) {
            try await body(database)
        }
        try await dropSchema(configuration)
        return result
    }
}
