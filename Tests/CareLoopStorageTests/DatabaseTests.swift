import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct DatabaseTests {
    struct HandlerFailure: Error, Equatable {}

    @Test func pooledConnectionsWorkInTheServiceSchema() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "search_path", migrations: []) { database in
            let schema = try await database.scalar("SELECT current_schema()", as: String.self)
            #expect(schema == database.schema)
        }
    }

    @Test func transactionCommitsWhenTheBodyReturns() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "commit", migrations: []) { database in
            try await database.execute("CREATE TABLE notes (text text)")
            try await database.withTransaction { connection in
                _ = try await connection.query("INSERT INTO notes VALUES ('kept')", logger: PostgresTestCluster.logger)
            }
            let rows = try await database.scalar("SELECT count(*) FROM notes", as: Int.self)
            #expect(rows == 1)
        }
    }

    @Test func transactionRollsBackAndRethrowsTheBodysError() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "rollback", migrations: []) { database in
            try await database.execute("CREATE TABLE notes (text text)")
            // One connection, so the statement after the failed transaction runs on the same one.
            var single = database.configuration
            single.poolSize = 1
            let singleConnection = try Database(configuration: single, logger: PostgresTestCluster.logger)

            try await withRunning([singleConnection]) {
                await #expect(throws: HandlerFailure()) {
                    try await singleConnection.withTransaction { connection in
                        _ = try await connection.query(
                            "INSERT INTO notes VALUES ('lost')", logger: PostgresTestCluster.logger)
                        throw HandlerFailure()
                    }
                }
                try await singleConnection.execute("INSERT INTO notes VALUES ('after')")
            }

            // Seen from another pool: the failed insert is gone, and the connection was out of the transaction.
            let notes = try await database.scalar("SELECT string_agg(text, ',') FROM notes", as: String.self)
            #expect(notes == "after")
        }
    }

    @Test func sqlErrorsAreNotTransient() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "sql_error", migrations: []) { database in
            let syntax = await #expect(throws: PSQLError.self) {
                try await database.withConnection { connection in
                    try await connection.query("SELEC 1", logger: PostgresTestCluster.logger)
                }
            }
            let constraint = await #expect(throws: PSQLError.self) {
                try await database.withConnection { connection in
                    try await connection.query("SELECT 1 / 0", logger: PostgresTestCluster.logger)
                }
            }
            #expect(syntax.map(Database.isTransient) == false)
            #expect(constraint.map(Database.isTransient) == false)
            #expect(Database.isTransient(HandlerFailure()) == false)
        }
    }

    @Test func serverSideDisconnectIsTransientAndThePoolRecovers() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "terminated", migrations: []) { database in
            // Several rounds: handing the dead connection out again is a race (it hung before the fix).
            for _ in 0..<5 {
                // The server ends the backend (as on a restart) while the statement's result is read.
                let error = await #expect(throws: PSQLError.self) {
                    try await database.scalar("SELECT pg_terminate_backend(pg_backend_pid())", as: Bool.self)
                }
                #expect(error.map(Database.isTransient) == true, "\(String(reflecting: error))")
                #expect(error?.serverInfo?[.sqlState] == "57P01")  // admin_shutdown
                // Retrying works at once: the dead connection was closed, not handed out again.
                let afterwards = try await database.scalar("SELECT 1", as: Int.self)
                #expect(afterwards == 1)
            }
        }
    }

    @Test func aConnectionHeldPastTheOperationTimeoutIsClosedAndItsStatementFails() async throws {
        var configuration = try await PostgresTestCluster.makeSchema(prefix: "watchdog")
        configuration.operationTimeout = .seconds(1)
        let database = try Database(configuration: configuration, logger: PostgresTestCluster.logger)
        try await withRunning([database]) {
            // A statement that outlasts the timeout stands for one that would never complete.
            let error = await #expect(throws: PSQLError.self) {
                try await database.scalar("SELECT pg_sleep(60)::text", as: String.self)
            }
            #expect(error.map(Database.isTransient) == true, "\(String(reflecting: error))")
            // The pool carries on with a new connection (a caller retries a transient error, as services do).
            #expect(await eventually(timeout: .seconds(10)) { (try? await database.scalar("SELECT 1", as: Int.self)) == 1 })
            // Leases meant to last are not watched.
            let held = try await database.withConnection(watchdog: false) { connection in
                try await connection.queryValue("SELECT pg_sleep(1.5)::text", as: String.self, logger: PostgresTestCluster.logger)
            }
            #expect(held == "")
        }
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func aConnectionPastItsLifetimeIsClosedWhenItsLeaseEnds() async throws {
        var configuration = try await PostgresTestCluster.makeSchema(prefix: "lifetime")
        configuration.poolSize = 1
        configuration.connectionMaxLifetime = .milliseconds(300)
        let database = try Database(configuration: configuration, logger: PostgresTestCluster.logger)
        try await withRunning([database]) {
            let backend = { try await database.scalar("SELECT pg_backend_pid()", as: Int32.self) }
            let first = try await backend()
            // Within its lifetime the one pooled connection serves every lease.
            #expect(try await backend() == first)
            try await Task.sleep(for: .milliseconds(400))
            // The lease that finds it expired still runs on it, then closes it; the next lease gets a new one.
            #expect(try await backend() == first)
            let second = try await backend()
            #expect(second != first)
            // The closed session is gone from the server.
            let alive = try await database.scalar(
                "SELECT count(*)::int4 FROM pg_stat_activity WHERE pid = \(first)", as: Int32.self)
            #expect(alive == 0)
        }
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func withoutALifetimeAPooledConnectionServesOn() async throws {
        var configuration = try await PostgresTestCluster.makeSchema(prefix: "no_lifetime")
        configuration.poolSize = 1
        configuration.connectionMaxLifetime = nil
        let database = try Database(configuration: configuration, logger: PostgresTestCluster.logger)
        try await withRunning([database]) {
            let first = try await database.scalar("SELECT pg_backend_pid()", as: Int32.self)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await database.scalar("SELECT pg_backend_pid()", as: Int32.self) == first)
            #expect(try await database.scalar("SELECT pg_backend_pid()", as: Int32.self) == first)
        }
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func aLeaseStillHeldAfterItsConnectionClosedIsReportedStuckOnce() async throws {
        var configuration = try await PostgresTestCluster.makeSchema(prefix: "stuck_lease")
        configuration.stuckLeaseGrace = .milliseconds(500)
        let database = try Database(configuration: configuration, logger: PostgresTestCluster.logger)
        let reports = Mutex(0)
        database.onStuckLease { reports.withLock { $0 += 1 } }
        try await withRunning([database]) {
            // A lease that finishes soon after its connection closed (a failed statement, say) is not stuck.
            try await database.withConnection { connection in
                try await connection.close()
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(database.stuckLeases == 0)
            // A lease that goes on holding a closed connection stands for a caller whose statement was dropped.
            try await database.withConnection { connection in
                try await connection.close()
                #expect(await eventually(timeout: .seconds(10)) { database.stuckLeases == 1 })
            }
            #expect(reports.withLock { $0 } == 1, "the action ran once")
            // The pool carries on with new connections.
            #expect(await eventually(timeout: .seconds(10)) { (try? await database.scalar("SELECT 1", as: Int.self)) == 1 })
            #expect(database.stuckLeases == 1)
        }
        try await PostgresTestCluster.dropSchema(configuration)
    }

    @Test func refusedConnectionIsTransient() async throws {
        let closedPort = DatabaseConfiguration(
            host: "127.0.0.1", port: 1, user: "postgres", password: nil, database: "postgres", schema: "unused")

        let error = await #expect(throws: (any Error).self) {
            try await Migrator(configuration: closedPort, logger: PostgresTestCluster.logger).migrate([.platform])
        }

        #expect(error.map(Database.isTransient) == true, "\(String(reflecting: error))")
    }

    @Test(arguments: [
        "", "Intake", "1intake", "intake-service", "intake; DROP TABLE x", String(repeating: "a", count: 64),
    ])
    func rejectsSchemaNamesThatNeedQuoting(_ schema: String) {
        let configuration = DatabaseConfiguration(
            host: "localhost", user: "u", password: nil, database: "careloop", schema: schema)

        #expect(throws: StorageError.self) { try configuration.validate() }
    }

    @Test func clientConfigurationSetsTheSearchPathAndPoolSize() throws {
        var configuration = DatabaseConfiguration(
            host: "db", port: 6432, user: "careloop_intake", password: "secret", database: "careloop", schema: "intake")
        configuration.poolSize = 7

        let client = configuration.clientConfiguration

        #expect(client.host == "db")
        #expect(client.port == 6432)
        #expect(client.options.maximumConnections == 7)
        #expect(client.options.additionalStartupParameters.contains { $0 == ("search_path", "intake") })
        #expect(try configuration.connectionConfiguration().options.additionalStartupParameters.contains {
            $0 == ("search_path", "intake")
        })
    }
}
