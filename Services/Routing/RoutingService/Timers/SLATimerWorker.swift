import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Fires due SLA timers from the `sla_timers` table, in batches, on every replica at once without firing any
/// twice. Each batch, in one transaction: claims due timers (an advisory lock per case, skipping cases another
/// worker claimed; see ``SLATimerStore/claimDue(at:from:limit:lockClass:connection:logger:)``), locks their cases
/// (skipping any another worker, consumer or staff request holds), publishes each held case's due warnings and
/// breaches from its clock (breaches escalate one level), updates the clock, marks the timers fired and records
/// the facts on the timeline. The clock stored with the case decides what is due, so a timer row seen twice is
/// published once. Nothing is held in memory between batches: a timer due while the service was down fires at the
/// first batch after it is back. While idle (after a batch that was not full) it sweeps timers fired more than
/// ``Configuration/sweepAfter`` ago out of the tables.
struct SLATimerWorker: Service {
    /// How the worker polls.
    struct Configuration: Sendable {
        /// Timers claimed per transaction.
        var batchSize = 500
        /// The wait after a batch that was not full.
        var pollInterval: Duration = .seconds(1)
        /// How long fired timers stay on record (`sla_timer_states`) before an idle worker sweeps them out. Until
        /// then, a claim from the earliest due timer steps over them.
        var sweepAfter: Duration = .zero
        /// Cases whose fired timers one sweep transaction removes, at most.
        var sweepCases = 2_500
        /// How long an idle worker sweeps before it claims again.
        var sweepTimeBudget: Duration = .seconds(5)
    }

    /// What one batch did.
    struct BatchOutcome: Sendable {
        /// Timer rows claimed.
        var timers: Int
        /// Cases claimed.
        var cases: Int
        /// Warnings and breaches published.
        var fired: Int
        /// The latest due time claimed.
        var latestDue: Date?
    }

    let database: Database
    let ruleBook: RuleBook
    let eventSource: String
    let configuration: Configuration
    let logger: Logger

    func run() async throws {
        // While a backlog drains, each batch's scan starts where the last one ended (a hint, not state: a batch
        // that is not full, or a failure, starts over from the earliest due timer).
        var from: Date?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var full = false
            do {
                let outcome = try await fireDue(from: from)
                full = outcome.timers >= configuration.batchSize && outcome.fired > 0
                from = full ? outcome.latestDue : nil
            } catch {
                from = nil
                if Task.isCancelled { return }
                logger.warning("SLA timer batch failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            if !full {
                await sweepAll()
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.pollInterval) }
                } catch {
                    return
                }
            }
        }
    }

    /// Claims and fires one batch of due timers at `now` (due from `from` on, when given), in one transaction.
    @discardableResult
    func fireDue(at now: Date = Date(), from: Date? = nil) async throws -> BatchOutcome {
        let rules = await ruleBook.rules
        let limit = configuration.batchSize
        let eventSource = eventSource
        let logger = logger
        let lockClass = SLATimerStore.lockClass(schema: database.schema)
        return try await database.withTransaction { connection in
            let started = ContinuousClock.now
            let claimed = try await SLATimerStore.claimDue(
                at: now, from: from, limit: limit, lockClass: lockClass, connection: connection, logger: logger)
            Timer(label: "careloop_routing_sla_timer_claim_seconds").recordInterval(since: started)
            guard !claimed.cases.isEmpty else { return BatchOutcome(timers: 0, cases: 0, fired: 0, latestDue: nil) }
            let held = try await SLATimerStore.lockCases(claimed.cases, connection: connection, logger: logger)
            var records = try await CaseStore.read(held, connection: connection, logger: logger)
            // Fire what the claim reached, not a held case's later timers: those stay unfired until a claim reaches
            // them, so no claim has to step over timers fired ahead of it. (1 ms of slack: the stored `due_at` has
            // microseconds, the clock's instants may have more.)
            let dueThrough = claimed.latestDue.map { $0.addingTimeInterval(0.001) }
            var fired = 0
            for index in records.indices {
                fired += records[index].fireDueTimers(at: now, dueThrough: dueThrough, rules: rules.context(for: records[index]))
            }
            let changed = records.filter(\.hasEffects)
            try await CaseStore.update(changed, connection: connection, logger: logger)
            // Every held case, changed or not: a claimed row its clock published earlier, or no longer wants, is
            // recorded fired or deleted now, so it is not claimed again.
            try await SLATimerStore.sync(records, now: now, connection: connection, logger: logger)
            try await CaseStore.writeEffects(of: changed, eventSource: eventSource, connection: connection, logger: logger)
            if fired > 0 {
                Counter(label: "careloop_routing_sla_timers_fired_total").increment(by: fired)
                logger.debug("SLA timers fired", metadata: ["cases": "\(records.count)", "timers": "\(fired)"])
            }
            return BatchOutcome(timers: claimed.timers, cases: claimed.cases.count, fired: fired, latestDue: claimed.latestDue)
        }
    }
}

extension SLATimerWorker {
    /// Sweeps while there is something to sweep, for at most ``Configuration/sweepTimeBudget`` (an idle worker's
    /// sweep; the rest waits for the next idle poll).
    func sweepAll() async {
        let started = ContinuousClock.now
        var swept = 0
        while !Task.isCancelled, ContinuousClock.now - started < configuration.sweepTimeBudget {
            let removed = await sweep()
            guard removed > 0 else { break }
            swept += removed
        }
        guard swept > 0, !Task.isCancelled else { return }
        do {
            let logger = logger
            _ = try await database.withConnection { connection in
                try await SLATimerStore.skipSwept(dueBy: Date(), connection: connection, logger: logger)
            }
        } catch {
            logger.debug("Reading past swept SLA timers failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Sweeps timers fired before `now - sweepAfter` (one transaction); a failure is logged and left for the next
    /// idle poll. Returns the timer rows removed.
    @discardableResult
    func sweep(at now: Date = Date()) async -> Int {
        let before = now.addingTimeInterval(-configuration.sweepAfter.timeInterval)
        let limit = configuration.sweepCases
        let logger = logger
        do {
            let swept = try await database.withTransaction { connection in
                try await SLATimerStore.sweep(firedBefore: before, limit: limit, connection: connection, logger: logger)
            }
            if swept > 0 {
                Counter(label: "careloop_routing_sla_timers_swept_total").increment(by: swept)
                logger.debug("Fired SLA timers swept", metadata: ["timers": "\(swept)"])
            }
            return swept
        } catch {
            if !Task.isCancelled {
                logger.warning("SLA timer sweep failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            return 0
        }
    }
}

extension Timer {
    /// Records the time since `start`.
    fileprivate func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
