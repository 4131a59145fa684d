import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `body` between `BEGIN` and `COMMIT` on this connection, or `ROLLBACK`s and rethrows `body`'s error as is.
    ///
    /// Unlike postgres-nio's `withTransaction`, errors are not wrapped in `PostgresTransactionError`.
    package func inTransaction<Result>(
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await query("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(self)
        } catch {
            // On a connection the server ended, the server has rolled back already, and a statement sent on a
            // closed channel would never complete (postgres-nio drops it): no ROLLBACK then.
            guard !isClosed, !Database.endsSession(error) else { throw error }
            do {
                try await query("ROLLBACK", logger: logger)
            } catch let rollbackError {
                // The connection is most likely gone; the server rolls back on its own then.
                logger.warning("ROLLBACK failed", metadata: ["error": "\(String(reflecting: rollbackError))"])
            }
            throw error
        }
        guard !isClosed else {
            throw StorageError(.connectionLost, "the connection closed before COMMIT; the transaction did not commit")
        }
        try await query("COMMIT", logger: logger)
        return result
    }
}
