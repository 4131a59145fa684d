import CareLoopContracts
import CareLoopStorage
import Logging
import Metrics
import ServiceLifecycle

/// Fires due durable timers (see ``TimerActions``): claims them with `FOR UPDATE SKIP LOCKED`, applies each in the
/// claiming transaction and marks it fired there, so a timer fires exactly once across replicas and restarts.
/// Loops at once while batches come back full, otherwise polls; backs off after failures; graceful shutdown
/// lets the batch in flight finish.
struct TimerWorker: Service {
    let database: Database
    let actions: TimerActions
    let eventSource: String
    /// Timers per transaction.
    let batchSize: Int
    /// Wait between polls when nothing is due.
    let pollInterval: Duration
    let logger: Logger

    func run() async throws {
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(30))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let delay: Duration
            do {
                let fired = try await fireDue()
                backoff.reset()
                if fired == batchSize { continue }
                delay = pollInterval
            } catch {
                guard !Task.isCancelled else { return }
                delay = backoff.nextDelay()
                logger.error("Timer batch failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        }
        logger.info("Timer worker stopped")
    }

    /// Fires the timers due now (up to a batch); returns how many were claimed.
    func fireDue() async throws -> Int {
        let actions = actions
        let eventSource = eventSource
        let logger = logger
        let batchSize = batchSize
        let now = actions.dispatcher.clock.now()
        return try await database.withTransaction { connection in
            let timers = try await TimerRepository(connection: connection, logger: logger).claimDue(limit: batchSize, now: now)
            let orders = WorkOrderRepository(connection: connection, logger: logger)
            for timer in timers {
                guard var order = try await orders.load(timer.workOrderID) else { continue }
                var effects = WorkOrderEffects(eventSource: eventSource)
                do {
                    try await actions.fire(timer, on: &order, effects: &effects, connection: connection, logger: logger)
                } catch let error as IllegalTransition {
                    // The order moved on in a way the timer did not expect: nothing to do, but say so.
                    logger.warning(
                        "Timer not applicable to the work order's state",
                        metadata: ["work_order_id": "\(order.id)", "timer": "\(timer.kind.rawValue)", "error": "\(error)"])
                    continue
                }
                try await orders.save(order)
                try await effects.write(connection: connection, logger: logger)
                Counter(label: "careloop_repair_dispatch_timers_fired_total", dimensions: [("kind", timer.kind.rawValue)]).increment()
            }
            try await TimerRepository(connection: connection, logger: logger).markFired(timers.map(\.timerID))
            return timers.count
        }
    }
}
