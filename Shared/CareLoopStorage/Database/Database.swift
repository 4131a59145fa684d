import Logging
import PostgresNIO
import ServiceLifecycle

/// A service's connection pool to PostgreSQL, working in the service's own schema.
///
/// - Important: Run it (`run()`, or as a `ServiceGroup` member listed before the services that use it):
///   queries wait until the pool runs. Graceful shutdown closes the pool.
package struct Database: Service {
    /// The settings the pool was made from.
    package let configuration: DatabaseConfiguration
    /// The pooled client; prefer ``withTransaction(isolation:_:)`` and ``withConnection(isolation:_:)``.
    package let client: PostgresClient
    /// The logger queries and transactions log to.
    package let logger: Logger

    /// Creates the pool (it opens connections once it runs and they are needed).
    package init(configuration: DatabaseConfiguration, logger: Logger) throws(StorageError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
    }

    /// The service's schema, which every pooled connection has as its `search_path`.
    package var schema: String { configuration.schema }

    /// Runs the pool until the task is cancelled or graceful shutdown is triggered.
    package func run() async throws {
        await client.run()
    }

    /// Leases one connection for `body`; `body` must not keep it.
    package func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await client.withConnection(isolation: isolation) { connection in
            do {
                return try await body(connection)
            } catch {
                await Self.closeIfLost(connection, after: error)
                throw error
            }
        }
    }

    /// Runs `body` in one transaction on one leased connection: `COMMIT` when it returns, `ROLLBACK` when it throws.
    ///
    /// The error `body` throws is rethrown as it is (not wrapped), so ``isTransient(_:)`` can judge it.
    package func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await withConnection(isolation: isolation) { connection in
            try await connection.inTransaction(logger: logger, isolation: isolation, body)
        }
    }

    /// Closes `connection` before it goes back to the pool when `error` says the server ended its session.
    ///
    /// postgres-nio 1.33 can hand such a connection out again before it notices the close, and a query on it
    /// then never completes; a closed connection fails fast and is replaced.
    private static func closeIfLost(_ connection: PostgresConnection, after error: any Error) async {
        guard endsSession(error) else { return }
        try? await connection.close()
    }
}
