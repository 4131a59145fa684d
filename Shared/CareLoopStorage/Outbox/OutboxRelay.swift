import Logging
import PostgresNIO
import ServiceLifecycle

/// Publishes the outbox of one schema to Kafka, in id order, at least once.
///
/// Every replica of a service runs one; an advisory lock, held for one batch, lets only one of them work at a time.
/// A batch is two statements on one connection, without a transaction around them: take the lock and read up to
/// ``Configuration-swift.struct/batchSize`` unsent rows (``Outbox/lockAndReadUnsent(schema:after:limit:connection:logger:)``),
/// publish them, then mark the delivered ones (see ``OutboxDeliveryPlan``) and release the lock
/// (``Outbox/markSentAndUnlock(ids:schema:connection:logger:)``). The relay wakes when a transaction of its own process
/// commits outbox rows (``OutboxCommits``), polls every ``Configuration-swift.struct/pollInterval`` for rows of
/// other processes, loops at once while batches come back full, retries shortly while another replica's relay
/// holds the lock, and backs off after failures. Now and then it deletes rows sent longer ago than the retention.
///
/// Graceful shutdown lets the batch in flight finish (its publications are marked), then ``run()`` returns.
/// - Important: In a `ServiceGroup`, list the ``Database`` before the relay, so the pool outlives it.
package struct OutboxRelay: Service {
    /// Batch size, timings and retention.
    package struct Configuration: Sendable {
        /// Rows read and published per batch.
        package var batchSize = 500
        /// Longest wait between batches when no commit of this process wakes the relay (rows written by other
        /// processes wait up to this long).
        package var pollInterval: Duration = .seconds(1)
        /// Pause before trying the lock again while another replica's relay holds it (it is held for one batch).
        package var standbyRetryDelay: Duration = .milliseconds(10)
        /// Tries after a wake-up that found the lock held, before waiting for the next wake-up.
        package var standbyRetries = 5
        /// First delay after a failed batch (doubling up to ``maximumBackoff``).
        package var initialBackoff: Duration = .milliseconds(100)
        /// Longest delay after repeated failures.
        package var maximumBackoff: Duration = .seconds(30)
        /// How long sent rows are kept.
        package var retention: Duration = .seconds(24 * 60 * 60)
        /// How often sent rows older than ``retention`` are deleted.
        package var cleanupInterval: Duration = .seconds(10 * 60)
        /// How often a batch reads from the first unsent row instead of from the scan floor (`OutboxScanFloor`).
        package var fullReadInterval: Duration = .seconds(60)

        /// The defaults.
        package init() {}
    }

    private let database: Database
    private let publisher: any OutboxPublisher
    private let configuration: Configuration
    private let logger: Logger
    private let metrics: OutboxRelayMetrics

    /// Creates a relay for `database`'s schema.
    package init(
        database: Database, publisher: any OutboxPublisher, configuration: Configuration = .init(), logger: Logger
    ) {
        self.database = database
        self.publisher = publisher
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "schema"] = "\(database.schema)"
        self.logger = logger
        self.metrics = OutboxRelayMetrics(schema: database.schema)
    }

    /// Relays until graceful shutdown (after the batch in flight) or cancellation.
    package func run() async throws {
        // One pending wake-up is enough: a batch reads everything committed before it starts.
        let (wakeUps, wakeUp) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let registration = database.outboxCommits.register(wakeUp)
        defer { database.outboxCommits.unregister(registration) }
        wakeUp.yield()  // rows committed before the relay started
        await withDiscardingTaskGroup { group in
            group.addTask { await poll(wakeUp: wakeUp) }
            await withGracefulShutdownHandler {
                await relay(wakeUps: wakeUps)
            } onGracefulShutdown: {
                wakeUp.finish()
            }
            logger.debug("Outbox relay loop ended; stopping the poll")
            group.cancelAll()
        }
        logger.info("Outbox relay stopped")
    }

    /// Runs batches until shutdown: at once after a full batch, after a back-off after a failure, otherwise on
    /// the next wake-up.
    private func relay(wakeUps: AsyncStream<Void>) async {
        var wakeUps = wakeUps.makeAsyncIterator()
        var backoff = Backoff(initial: configuration.initialBackoff, maximum: configuration.maximumBackoff)
        var housekeeping = Housekeeping(now: .now)
        var floor = OutboxScanFloor(fullReadInterval: configuration.fullReadInterval)
        var standbyTries = 0
        logger.info("Outbox relay started", metadata: ["batch_size": "\(configuration.batchSize)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let outcome: BatchOutcome
            do {
                outcome = try await relayBatch(floor: &floor)
            } catch {
                guard !Task.isCancelled else { return }
                floor.reset()
                outcome = .failed
                logger.error(
                    "Outbox batch failed",
                    metadata: [
                        "error": "\(String(reflecting: error))", "transient": "\(Database.isTransient(error))",
                    ])
            }
            if outcome != .standingBy {
                await housekeeping.run(self, now: .now)
            }
            standbyTries = outcome == .standingBy ? standbyTries + 1 : 0
            switch outcome {
            case .full:
                backoff.reset()
            case .standingBy where standbyTries < configuration.standbyRetries:
                // Rows this process just committed wait for the lock, which the other relay holds for one batch.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.standbyRetryDelay) }
            case .drained, .standingBy:
                backoff.reset()
                standbyTries = 0
                guard await wakeUps.next() != nil else { return }
            case .failed:
                let delay = backoff.nextDelay()
                // Graceful shutdown ends the wait early; the loop condition then ends the relay.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
    }

    /// What one batch found.
    private enum BatchOutcome: Equatable {
        /// The batch was full: more rows are probably waiting.
        case full
        /// Fewer rows than a batch: the outbox is empty (or holds only failed rows) until the next wake-up.
        case drained
        /// Another relay holds the lock.
        case standingBy
        /// Publishing or the database failed for at least one row.
        case failed
    }

    /// What a finished batch tells the scan floor.
    private struct BatchRead: Sendable {
        var oldestRunning: Int64
        var ids: [Int64] = []
        var snapshotEnd: Int64?
        var unsent: [Int64] = []
    }

    private func relayBatch(floor: inout OutboxScanFloor) async throws -> BatchOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let schema = database.schema
        let from = floor.start()
        let batchSize = configuration.batchSize
        let (outcome, read): (BatchOutcome, BatchRead?) = try await database.withConnection { connection in
            let found = try await Outbox.lockAndReadUnsent(
                schema: schema, after: from, limit: batchSize, connection: connection, logger: logger)
            guard found.locked else { return (.standingBy, nil) }
            // The connection holds the relay lock now: marking releases it, or the connection is closed, so that the
            // pool never hands out a connection that keeps other relays waiting.
            do {
                var read = BatchRead(oldestRunning: found.oldestRunning, ids: found.rows.map(\.id), snapshotEnd: found.snapshotEnd)
                guard !found.rows.isEmpty else {
                    try await Outbox.markSentAndUnlock(ids: [], schema: schema, connection: connection, logger: logger)
                    return (.drained, read)
                }
                let rows = found.rows
                let results = await publisher.publish(rows.map(\.message))
                let plan = OutboxDeliveryPlan(rows: rows.map { ($0.id, $0.message.key) }, results: results)
                try await Outbox.markSentAndUnlock(ids: plan.deliveredIDs, schema: schema, connection: connection, logger: logger)
                let delivered = Set(plan.deliveredIDs)
                read.unsent = read.ids.filter { !delivered.contains($0) }
                metrics.record(plan)
                logBatch(rows: rows, plan: plan, results: results)
                if plan.failed > 0 { return (.failed, read) }
                return (rows.count >= batchSize ? .full : .drained, read)
            } catch {
                try? await connection.close()
                throw error
            }
        }
        if let read {
            floor.record(
                oldestRunning: read.oldestRunning, ids: read.ids, snapshotEnd: read.snapshotEnd,
                limitReached: read.ids.count >= batchSize, unsent: read.unsent)
        } else {
            floor.reset()  // another relay works meanwhile
        }
        if outcome != .standingBy {
            metrics.recordBatch(duration: clock.now - start)
        }
        return outcome
    }

    private func logBatch(rows: [OutboxRow], plan: OutboxDeliveryPlan, results: [Result<Void, any Error>]) {
        let metadata: Logger.Metadata = [
            "rows": "\(rows.count)", "published": "\(plan.deliveredIDs.count)", "failed": "\(plan.failed)",
            "held_back": "\(plan.heldBack)", "first_id": "\(rows[0].id)", "last_id": "\(rows[rows.count - 1].id)",
        ]
        guard plan.failed > 0 else {
            logger.debug("Outbox batch published", metadata: metadata)
            return
        }
        let failures = zip(rows, results).compactMap { row, result -> String? in
            guard case .failure(let error) = result else { return nil }
            return "\(row.id) (\(row.message.topic)): \(String(reflecting: error))"
        }
        var warning = metadata
        warning["first_failure"] = "\(failures.first ?? "missing result")"
        logger.warning("Outbox batch partly failed; failed rows stay unsent", metadata: warning)
    }

    /// Wakes the relay every poll interval, for rows other processes committed.
    private func poll(wakeUp: AsyncStream<Void>.Continuation) async {
        while (try? await Task.sleep(for: configuration.pollInterval)) != nil {
            wakeUp.yield()
        }
    }

    /// Pending-gauge updates (at most once per poll interval) and retention cleanup (every cleanup interval).
    private struct Housekeeping {
        var nextGaugeUpdate: ContinuousClock.Instant
        var nextCleanup: ContinuousClock.Instant

        init(now: ContinuousClock.Instant) {
            nextGaugeUpdate = now
            nextCleanup = now
        }

        mutating func run(_ relay: OutboxRelay, now: ContinuousClock.Instant) async {
            do {
                if now >= nextGaugeUpdate {
                    nextGaugeUpdate = now + relay.configuration.pollInterval
                    let pending = try await relay.database.withConnection { connection in
                        try await Outbox.pendingCount(connection: connection, logger: relay.logger)
                    }
                    relay.metrics.recordPending(pending)
                }
                if now >= nextCleanup {
                    nextCleanup = now + relay.configuration.cleanupInterval
                    let deleted = try await relay.database.withConnection { connection in
                        try await Outbox.deleteSent(
                            olderThan: relay.configuration.retention, connection: connection, logger: relay.logger)
                    }
                    relay.logger.debug("Deleted sent outbox rows past retention", metadata: ["rows": "\(deleted)"])
                }
            } catch {
                guard !Task.isCancelled else { return }
                relay.logger.warning(
                    "Outbox housekeeping failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
