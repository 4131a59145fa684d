import Logging
import PostgresNIO

/// Applies forward-only migrations to a service's schema at start-up.
///
/// Works on one dedicated connection (no running pool needed) holding a session advisory lock derived from the
/// schema, so several replicas can start together: one applies, the others wait and then find nothing to do.
/// Creates the schema if needed and records every migration in `careloop_migrations(component, version, name,
/// checksum, applied_at)`. Each migration runs in its own transaction together with its history row.
package struct Migrator: Sendable {
    /// Where to migrate.
    package var configuration: DatabaseConfiguration
    /// Where progress is logged.
    package var logger: Logger

    /// Creates a migrator for `configuration`'s schema.
    package init(configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Applies the platform's migrations and then `service`'s own, which are versioned as component `service`.
    @discardableResult
    package func migrate(service: String, migrations: [Migration]) async throws -> [MigrationRecord] {
        try await migrate([.platform, MigrationSet(component: service, migrations: migrations)])
    }

    /// Applies what is missing of `sets`, in the order given, and returns what it applied.
    ///
    /// Before applying anything it checks every already-recorded migration's checksum, and throws
    /// ``StorageError/Code-swift.struct/migrationChecksumMismatch`` naming the first edited one. A failing
    /// migration is rolled back, not recorded, and reported as ``StorageError/Code-swift.struct/migrationFailed``;
    /// the ones before it stay applied.
    @discardableResult
    package func migrate(_ sets: [MigrationSet]) async throws -> [MigrationRecord] {
        try configuration.validate()
        for set in sets {
            try set.validate()
        }
        let connection = try await PostgresConnection.connect(
            configuration: try configuration.connectionConfiguration(), id: 1, logger: logger)
        do {
            let applied = try await migrate(sets, on: connection)
            try await connection.close()
            return applied
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func migrate(_ sets: [MigrationSet], on connection: PostgresConnection) async throws -> [MigrationRecord] {
        let schema = configuration.schema
        var logger = logger
        logger[metadataKey: "schema"] = "\(schema)"
        let lockKey = StableHash.advisoryLockKey("migrations", schema: schema)
        // Waits while another replica migrates; released below, or by the server when the connection drops.
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
        // The schema name was validated as a plain identifier, so it can be spliced in.
        // Only create a missing schema: CREATE SCHEMA (even IF NOT EXISTS) needs CREATE on the database,
        // which a service role that owns a provisioned schema does not have.
        let existing = try await connection.query(
            "SELECT 1 FROM pg_namespace WHERE nspname = \(schema)", logger: logger)
        var schemaExists = false
        for try await _ in existing { schemaExists = true }
        if !schemaExists {
            try await connection.query("CREATE SCHEMA \(unescaped: schema)", logger: logger)
        }
        try await connection.query("SET search_path TO \(unescaped: schema)", logger: logger)
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS careloop_migrations (
                component text NOT NULL,
                version int NOT NULL,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (component, version)
            )
            """,
            logger: logger
        )
        let recorded = try await recordedMigrations(on: connection)
        let pending = try pendingMigrations(of: sets, recorded: recorded)
        var applied: [MigrationRecord] = []
        for record in pending {
            try await apply(record, on: connection, logger: logger)
            applied.append(record.record)
        }
        try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
        logger.info(
            "Migrations up to date",
            metadata: ["applied": "\(applied.count)", "already_applied": "\(recorded.count)"])
        return applied
    }

    private func recordedMigrations(on connection: PostgresConnection) async throws -> [MigrationKey: String] {
        var recorded: [MigrationKey: String] = [:]
        let rows = try await connection.query(
            "SELECT component, version, checksum FROM careloop_migrations", logger: logger)
        for try await (component, version, checksum) in rows.decode((String, Int, String).self) {
            recorded[MigrationKey(component: component, version: version)] = checksum
        }
        return recorded
    }

    /// The migrations not yet recorded, after checking the recorded ones were not edited.
    private func pendingMigrations(
        of sets: [MigrationSet], recorded: [MigrationKey: String]
    ) throws(StorageError) -> [(record: MigrationRecord, sql: String)] {
        var pending: [(record: MigrationRecord, sql: String)] = []
        for set in sets {
            for migration in set.migrations {
                let record = MigrationRecord(
                    component: set.component, version: migration.version, name: migration.name,
                    checksum: migration.checksum)
                guard let checksum = recorded[MigrationKey(component: set.component, version: migration.version)]
                else {
                    pending.append((record, migration.sql))
                    continue
                }
                guard checksum == record.checksum else {
                    throw StorageError(
                        .migrationChecksumMismatch,
                        "migration \(record) in schema \(configuration.schema) was changed after it was applied "
                            + "(recorded checksum \(checksum), now \(record.checksum)); restore its SQL and add a "
                            + "new migration instead")
                }
            }
        }
        return pending
    }

    private func apply(
        _ pending: (record: MigrationRecord, sql: String), on connection: PostgresConnection, logger: Logger
    ) async throws {
        let record = pending.record
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await connection.inTransaction(logger: logger) { connection in
                try await connection.query(MigrationScript.query(running: pending.sql), logger: logger)
                try await connection.query(
                    """
                    INSERT INTO careloop_migrations (component, version, name, checksum)
                    VALUES (\(record.component), \(record.version), \(record.name), \(record.checksum))
                    """,
                    logger: logger
                )
            }
        } catch {
            throw StorageError(
                .migrationFailed,
                "migration \(record) in schema \(configuration.schema) failed and was rolled back: "
                    + MigrationScript.serverMessage(of: error),
                underlying: error)
        }
        logger.info(
            "Applied migration",
            metadata: ["migration": "\(record)", "duration": "\(clock.now - start)"])
    }
}

/// A component's migration version, as the key of recorded checksums.
private struct MigrationKey: Hashable {
    var component: String
    var version: Int
}
