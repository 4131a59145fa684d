import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO
import Testing

@Suite(.timeLimit(.minutes(2)))
struct MigratorTests {
    let logger = PostgresTestCluster.logger

    static let caseMigrations = [
        Migration(
            version: 1, name: "create_cases",
            sql: """
                CREATE TABLE cases (id bigint PRIMARY KEY, title text NOT NULL);
                CREATE INDEX cases_title_idx ON cases (title);
                """),
        Migration(
            version: 2, name: "add_status", sql: "ALTER TABLE cases ADD COLUMN status text NOT NULL DEFAULT 'new'"),
    ]

    /// `component/version` of every recorded migration.
    func history(_ configuration: DatabaseConfiguration) async throws -> [String] {
        try await PostgresTestCluster.withAdminConnection(to: configuration) { connection in
            let rows = try await connection.query(
                "SELECT component, version FROM careloop_migrations ORDER BY component, version", logger: logger)
            var history: [String] = []
            for try await (component, version) in rows.decode((String, Int).self) {
                history.append("\(component)/\(version)")
            }
            return history
        }
    }

    /// Whether `table` exists in the configuration's schema.
    func tableExists(_ table: String, _ configuration: DatabaseConfiguration) async throws -> Bool {
        try await PostgresTestCluster.withAdminConnection(to: configuration) { connection in
            let rows = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL", logger: logger)
            for try await exists in rows.decode(Bool.self) { return exists }
            return false
        }
    }

    @Test func appliesPlatformAndServiceMigrationsOnce() async throws {
        let configuration = try await PostgresTestCluster.makeSchema(prefix: "migrate")
        let migrator = Migrator(configuration: configuration, logger: logger)

        let first = try await migrator.migrate(service: "intake", migrations: Self.caseMigrations)
        let second = try await migrator.migrate(service: "intake", migrations: Self.caseMigrations)

        #expect(first.map(\.description) == [
            "careloop/1 create_outbox", "careloop/2 create_inbox", "careloop/3 outbox_ids_after_transaction_ids",
            "careloop/4 outbox_wakes_relays_in_process", "intake/1 create_cases", "intake/2 add_status",
        ])
        #expect(second.isEmpty)
        #expect(try await history(configuration) == ["careloop/1", "careloop/2", "careloop/3", "careloop/4", "intake/1", "intake/2"])
        for table in ["outbox", "inbox", "cases"] {
            #expect(try await tableExists(table, configuration), "\(table) missing")
        }
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func createsTheSchemaWhenMissing() async throws {
        var configuration = try await PostgresTestCluster.makeSchema(prefix: "fresh")
        try await PostgresTestCluster.dropSchema(configuration)
        configuration.schema += "_new"

        try await Migrator(configuration: configuration, logger: logger).migrate([.platform])

        #expect(try await tableExists("outbox", configuration))
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func concurrentMigratorsApplyOnceWithoutErrors() async throws {
        let configuration = try await PostgresTestCluster.makeSchema(prefix: "race")
        // Slow and not idempotent: a second application would fail on the existing table.
        let slow = [Migration(version: 1, name: "slow", sql: "CREATE TABLE slow (id int); SELECT pg_sleep(0.5);")]

        // Two replicas starting together, each with its own migrator and connection.
        let replicas = (0..<2).map { _ in Migrator(configuration: configuration, logger: logger) }
        async let first = replicas[0].migrate(service: "routing", migrations: slow)
        async let second = replicas[1].migrate(service: "routing", migrations: slow)
        let applied = try await [first.count, second.count]

        #expect(applied.sorted() == [0, 5])
        #expect(try await history(configuration) == ["careloop/1", "careloop/2", "careloop/3", "careloop/4", "routing/1"])
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func refusesToStartWhenAnAppliedMigrationChanged() async throws {
        let configuration = try await PostgresTestCluster.makeSchema(prefix: "checksum")
        let migrator = Migrator(configuration: configuration, logger: logger)
        try await migrator.migrate(service: "survey", migrations: Self.caseMigrations)
        var edited = Self.caseMigrations
        edited[1].sql = "ALTER TABLE cases ADD COLUMN status text NOT NULL DEFAULT 'open'"
        edited.append(Migration(version: 3, name: "later", sql: "CREATE TABLE later (id int)"))

        let error = await #expect(throws: StorageError.self) {
            try await migrator.migrate(service: "survey", migrations: edited)
        }

        #expect(error?.code == .migrationChecksumMismatch)
        #expect(error?.message.contains("survey/2 add_status") == true, "\(String(describing: error))")
        #expect(try await tableExists("later", configuration) == false, "nothing is applied after a mismatch")
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func failingMigrationRollsBackAndIsNotRecorded() async throws {
        let configuration = try await PostgresTestCluster.makeSchema(prefix: "failing")
        let migrator = Migrator(configuration: configuration, logger: logger)
        var migrations = [
            Migration(version: 1, name: "create_orders", sql: "CREATE TABLE orders (id int)"),
            Migration(
                version: 2, name: "broken",
                sql: "CREATE TABLE half_done (id int); INSERT INTO no_such_table VALUES (1);"),
        ]

        let error = await #expect(throws: StorageError.self) {
            try await migrator.migrate(service: "repair", migrations: migrations)
        }

        #expect(error?.code == .migrationFailed)
        #expect(error?.message.contains("repair/2 broken") == true, "\(String(describing: error))")
        #expect(error?.message.contains("no_such_table") == true, "\(String(describing: error))")
        #expect(try await history(configuration) == ["careloop/1", "careloop/2", "careloop/3", "careloop/4", "repair/1"])
        #expect(try await tableExists("orders", configuration))
        #expect(try await tableExists("half_done", configuration) == false)

        // Never recorded, so it may still be fixed.
        migrations[1].sql = "CREATE TABLE half_done (id int)"
        let applied = try await migrator.migrate(service: "repair", migrations: migrations)
        #expect(applied.map(\.description) == ["repair/2 broken"])
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func componentsAreVersionedSeparately() async throws {
        let configuration = try await PostgresTestCluster.makeSchema(prefix: "components")
        let migrator = Migrator(configuration: configuration, logger: logger)
        let notification = MigrationSet(
            component: "notification",
            migrations: [Migration(version: 1, name: "create_messages", sql: "CREATE TABLE messages (id int)")])

        try await migrator.migrate([.platform])
        let applied = try await migrator.migrate([.platform, notification])

        #expect(applied.map(\.description) == ["notification/1 create_messages"])
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test(arguments: [
        [Migration(version: 1, name: "a", sql: ""), Migration(version: 1, name: "b", sql: "")],
        [Migration(version: 2, name: "a", sql: ""), Migration(version: 1, name: "b", sql: "")],
        [Migration(version: 0, name: "a", sql: "")],
    ])
    func rejectsMalformedMigrationLists(_ migrations: [Migration]) async throws {
        let configuration = DatabaseConfiguration(
            host: "127.0.0.1", port: 1, user: "nobody", password: nil, database: "none", schema: "unused")

        let error = await #expect(throws: StorageError.self) {
            try await Migrator(configuration: configuration, logger: logger)
                .migrate(service: "x", migrations: migrations)
        }

        #expect(error?.code == .invalidMigrations)
    }

    @Test func checksumChangesWithTheSQLOnly() {
        let migration = Migration(version: 1, name: "a", sql: "CREATE TABLE a (id int)")
        var renamed = migration
        renamed.name = "b"
        var edited = migration
        edited.sql += " "

        #expect(migration.checksum == renamed.checksum)
        #expect(migration.checksum != edited.checksum)
        #expect(migration.checksum.count == 16)
    }
}
