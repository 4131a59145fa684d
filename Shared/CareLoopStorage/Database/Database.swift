import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

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
    private let leases = LeaseMonitor()
    private let lifetimes: ConnectionLifetimes
    /// Wakes this process's outbox relays after commits that wrote outbox rows.
    package let outboxCommits = OutboxCommits()

    /// Creates the pool (it opens connections once it runs and they are needed).
    package init(configuration: DatabaseConfiguration, logger: Logger) throws(StorageError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.lifetimes = ConnectionLifetimes(maximum: configuration.connectionMaxLifetime)
        self.client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
    }

    /// The service's schema, which every pooled connection has as its `search_path`.
    package var schema: String { configuration.schema }

    /// Runs the pool until the task is cancelled or graceful shutdown is triggered.
    package func run() async throws {
        await client.run()
    }

    /// Leases one connection for `body`; `body` must not keep it.
    ///
    /// A connection the pool hands out already closed (the server ended it, the pool has not noticed yet) is given
    /// back and another leased (a few times, with short pauses), then ``StorageError/Code-swift.struct/connectionLost`` (transient)
    /// is thrown: postgres-nio 1.33 drops a statement written to a closed channel, and its caller would wait forever.
    /// The connection is closed when `body` holds it longer than ``DatabaseConfiguration/operationTimeout``, and a
    /// lease still held ``DatabaseConfiguration/stuckLeaseGrace`` after its connection closed is reported stuck
    /// (see ``onStuckLease(_:)``). Pass `watchdog: false` for a lease meant to last (a benchmark filling tables).
    /// A connection older than ``DatabaseConfiguration/connectionMaxLifetime`` is closed when its lease ends.
    package func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        watchdog: Bool = true,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        var attempt = 1
        while true {
            do {
                return try await leaseOnce(isolation: isolation, watchdog: watchdog, body)
            } catch is ClosedAtLease {
                guard attempt < 5 else { throw StorageError(.connectionLost, "the pool handed out closed connections \(attempt) times") }
                // Give the pool's event loop time to see the close, or it hands the same connection out again.
                try await Task.sleep(for: .milliseconds(20 * attempt))
                attempt += 1
            }
        }
    }

    private func leaseOnce<Result>(
        isolation: isolated (any Actor)?, watchdog: Bool, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await client.withConnection(isolation: isolation) { connection in
            guard !connection.isClosed else { throw ClosedAtLease() }
            let watchdog = watchdog ? Self.watch(connection, configuration: configuration, leases: leases, logger: logger) : nil
            defer { watchdog?.cancel() }
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                await Self.closeIfLost(connection, after: error)
                await retireIfExpired(connection)
                throw error
            }
            await retireIfExpired(connection)
            return result
        }
    }

    /// Watches one lease (the returned task is cancelled when the lease ends):
    /// - still leased after `timeout` on a live connection: the connection is closed, so a statement that never
    ///   completes fails and the caller's retry runs on a new connection;
    /// - still leased `stuckLeaseGrace` after its connection closed: the lease is stuck (postgres-nio dropped a
    ///   statement written to the closed connection, and nothing can resume its caller). It is counted in
    ///   ``stuckLeases`` (`/health/live` answers 503) and the action set with ``onStuckLease(_:)`` runs: the
    ///   services exit so that their supervisor restarts them; nothing is lost, as everything is retried from the
    ///   database and the topics.
    ///
    /// Most leases end before the first check (every 250 ms at most), so a watch costs one sleeping task.
    private static func watch(
        _ connection: PostgresConnection, configuration: DatabaseConfiguration, leases: LeaseMonitor, logger: Logger
    ) -> Task<Void, Never> {
        Task {
            let clock = ContinuousClock()
            let start = clock.now
            let tick = min(.milliseconds(250), configuration.stuckLeaseGrace)
            var closedSince: ContinuousClock.Instant?
            var closedByWatchdog = false
            while (try? await Task.sleep(for: tick)) != nil {
                let now = clock.now
                if connection.isClosed {
                    let since = closedSince ?? now
                    closedSince = since
                    if now - since >= configuration.stuckLeaseGrace {
                        leases.reportStuck(logger: logger)
                        return
                    }
                } else if !closedByWatchdog, now - start >= configuration.operationTimeout {
                    closedByWatchdog = true
                    logger.error(
                        "Closing a database connection leased for longer than the operation timeout",
                        metadata: ["timeout": "\(configuration.operationTimeout)"])
                    Counter(label: "careloop_database_connections_closed_by_watchdog_total").increment()
                    try? await connection.close()
                }
            }
        }
    }

    /// Leases stuck on closed connections since start (see ``withConnection(isolation:watchdog:_:)``).
    package var stuckLeases: Int { leases.stuck.load(ordering: .relaxed) }

    /// Sets what happens when a lease is found stuck on a closed connection (after it is counted and logged);
    /// the services' executables exit with 75 (`EX_TEMPFAIL`) unless `database.stuckLeaseAction` is `report`.
    package func onStuckLease(_ action: @escaping @Sendable () -> Void) {
        leases.action.withLock { $0 = action }
    }

    /// Runs `body` in one transaction on one leased connection: `COMMIT` when it returns, `ROLLBACK` when it throws.
    ///
    /// The error `body` throws is rethrown as it is (not wrapped), so ``isTransient(_:)`` can judge it. After a
    /// commit of outbox rows (see ``Outbox/noteWrite(on:)``) the process's relays are woken (``outboxCommits``).
    package func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await withConnection(isolation: isolation) { connection in
            let result: Result
            do {
                result = try await connection.inTransaction(logger: logger, isolation: isolation, body)
            } catch {
                _ = OutboxCommits.takeWrite(on: connection)
                throw error
            }
            if OutboxCommits.takeWrite(on: connection) { outboxCommits.signal() }
            return result
        }
    }

    /// Closes `connection` before it goes back to the pool when it outlived its lifetime (see ``ConnectionLifetimes``).
    private func retireIfExpired(_ connection: PostgresConnection) async {
        guard !connection.isClosed, lifetimes.retires(connection) else { return }
        Counter(label: "careloop_database_connections_retired_total").increment()
        try? await connection.close()
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

/// Counts leases stuck on closed connections and runs the action set for them.
final class LeaseMonitor: Sendable {
    let stuck = Atomic<Int>(0)
    let action = Mutex<(@Sendable () -> Void)?>(nil)

    func reportStuck(logger: Logger) {
        stuck.add(1, ordering: .relaxed)
        Counter(label: "careloop_database_stuck_leases_total").increment()
        logger.critical("A database statement is stuck on a closed connection; the process needs a restart")
        action.withLock { $0 }?()
    }
}

/// A leased connection was closed before `body` ran (`body` did not run; leasing again is safe).
private struct ClosedAtLease: Error {}
