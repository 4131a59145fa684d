import CareLoopContracts
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Histogram
import Logging
import PostgresNIO
import RoutingService

/// `careloop-bench routing-timers`: claiming due SLA timers from a table holding a million open ones.
///
/// Fills routing's `sla_timers` (throw-away PostgreSQL, routing's real migrations) with `--cases` cases × 6 timers,
/// `--due` of them overdue and the rest spread over the next 30 days, then claims the due ones in batches of
/// `--batch` with the worker's own statements, one transaction per batch as the worker runs them: the claim
/// (`SLATimerStore.claimDue`: an index-only scan of `sla_timers_due` skipping fired keys, an advisory lock per claimed
/// case), the case locks (`SLATimerStore.lockCases`, `SKIP LOCKED`), then recording the claimed cases' due timers
/// fired in `sla_timer_firings`, as the worker's sync does; while the backlog drains each claim starts at the previous
/// one's latest due time, as the worker's do, and fires timers up to the latest due time claimed. When a batch is not
/// full the fired timers are swept out (`SLATimerStore.sweep`, as the idle worker does) before the next claim from
/// the start. Prints the claim time per batch, claim plus case locks, and the whole batch transaction (p50, p99,
/// max), the slowest claims, and the sweeps' time. The worker's own work per case (events, clock, timeline) comes on top of the
/// transaction time and is not part of claiming.
enum RoutingTimersBench: BenchScenario {
    static let name = "routing-timers"
    static let summary = "claim due SLA timers in batches from 1,000,000 open timers (--cases, --due, --batch)"

    static func run(arguments: BenchArguments) async throws {
        let cases = try arguments.int("cases", default: 166_667)
        let dueShare = try arguments.double("due", default: 0.1)
        let batch = try arguments.int("batch", default: 500)
        let maxBatches = try arguments.int("batches", default: 400)
        let logger = Logger(label: "careloop.bench")
        var configuration = try await PostgresTestCluster.makeSchema(prefix: "bench_timers")
        configuration.poolSize = 2
        try await Migrator(configuration: configuration, logger: logger)
            .migrate(service: "routing", migrations: RoutingServiceDefinition().migrations)
        let database = try Database(configuration: configuration, logger: logger)
        try await withRunning([database]) {
            let fillStart = ContinuousClock.now
            try await database.withConnection(watchdog: false) { connection in  // filling takes a while
                _ = try await connection.query(
                    """
                    WITH c AS (
                        INSERT INTO cases (case_id, reference, kind, city, project, status, registered_at)
                        SELECT md5('bench-' || i)::uuid, 'B-' || i, 'repair', 'shenzhen', 'P-' || (i % 2000), 'routed', now()
                        FROM generate_series(1, \(cases)) AS i
                        RETURNING case_id)
                    INSERT INTO sla_timers (case_id, deadline, kind, due_at)
                    SELECT c.case_id, d.deadline, k.kind,
                        CASE WHEN random() < \(dueShare) THEN now() - random() * interval '1 hour'
                             ELSE now() + random() * interval '30 days' END
                    FROM c, (VALUES ('acknowledge'), ('respond'), ('resolve')) AS d(deadline),
                        (VALUES ('warning'), ('breach')) AS k(kind)
                    """, logger: logger)
                _ = try await connection.query("VACUUM ANALYZE cases", logger: logger)
                _ = try await connection.query("VACUUM ANALYZE sla_timers", logger: logger)
            }
            let (open, due) = try await database.withConnection { connection in
                (
                    try await connection.queryValue("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", as: Int.self, logger: logger) ?? 0,
                    try await connection.queryValue(
                        "SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL AND due_at <= now()", as: Int.self, logger: logger) ?? 0
                )
            }
            print("filled \(open) open timers (\(due) due) for \(cases) cases in \(ContinuousClock.now - fillStart)")
            let lockClass = SLATimerStore.lockClass(schema: database.schema)
            let plan = try await database.withConnection { connection in
                let claim = SLATimerStore.claimQuery(at: Date(), from: nil, limit: batch, lockClass: lockClass)
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + claim.sql, binds: claim.binds),
                    logger: logger)
                var lines: [String] = []
                for try await line in rows.decode(String.self) { lines.append(line) }
                return lines
            }
            print("plan of one claim:\n  " + plan.joined(separator: "\n  "))
            // The client's floor: the same rows' shape read without a lock (future timers, nothing dead in the way).
            var floor = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
            for _ in 0..<50 {
                let start = ContinuousClock.now
                try await database.withConnection { connection in
                    let rows = try await connection.query(
                        "SELECT case_id, due_at FROM sla_timers WHERE due_at > now() ORDER BY due_at LIMIT \(batch)",
                        logger: logger)
                    for try await _ in rows.decode((UUID, Date).self) {}
                }
                floor.record(UInt64((ContinuousClock.now - start).wholeMicroseconds))
            }
            print(String(format: "read of %d timer rows without locks (client floor): p50 %.2f ms", batch, Double(floor.valueAtPercentile(50)) / 1000))

            func histogram() -> Histogram<UInt64> { Histogram(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three) }
            var claims = histogram()
            var claimsAndLocks = histogram()
            var batches = histogram()
            var claimedTimers = 0
            var firedTimers = 0
            var count = 0
            let runStart = ContinuousClock.now
            // The idle worker's sweep (a batch was not full): the fired timers out, before the next claim from the start.
            var swept = 0, sweeps = 0
            var sweepTime = Duration.zero
            func sweepAll() async throws {
                let start = ContinuousClock.now
                while true {
                    let removed = try await database.withTransaction { connection in
                        try await SLATimerStore.sweep(firedBefore: Date().addingTimeInterval(1), limit: batch * 5, connection: connection, logger: logger)
                    }
                    guard removed > 0 else { break }
                    swept += removed
                    sweeps += 1
                }
                _ = try await database.withConnection { connection in
                    try await SLATimerStore.skipSwept(dueBy: Date(), connection: connection, logger: logger)
                }
                sweepTime += ContinuousClock.now - start
            }
            var from: Date?  // as the worker does while a backlog drains
            var slowest: [(micros: Int64, batch: Int, fromCursor: Bool, at: Date)] = []
            var emptyClaim: Duration?  // the last claim: from the start, after the sweeps, nothing due left
            while count < maxBatches {
                let (claimTime, lockTime, batchTime, claim, fired) = try await database.withConnection { connection in
                    let start = ContinuousClock.now
                    let result = try await connection.inTransaction(logger: logger) { connection in
                        let now = Date()
                        let claimStart = ContinuousClock.now
                        let claimed = try await SLATimerStore.claimDue(
                            at: now, from: from, limit: batch, lockClass: lockClass, connection: connection, logger: logger)
                        let claimTime = ContinuousClock.now - claimStart
                        let held = try await SLATimerStore.lockCases(claimed.cases, connection: connection, logger: logger)
                        let lockTime = ContinuousClock.now - claimStart
                        let fired = try await connection.queryValue(
                            """
                            WITH fired AS (
                                INSERT INTO sla_timer_firings (case_id, deadline, kind, fired_at)
                                SELECT case_id, deadline, kind, \(now) FROM sla_timers
                                WHERE case_id = ANY(\(held)::uuid[]) AND due_at <= \(claimed.latestDue ?? now)
                                ON CONFLICT DO NOTHING RETURNING 1)
                            SELECT count(*) FROM fired
                            """, as: Int.self, logger: logger) ?? 0
                        return (claimTime, lockTime, claimed, fired)
                    }
                    return (result.0, result.1, ContinuousClock.now - start, result.2, result.3)
                }
                let usedFrom = from
                from = claim.timers >= batch ? claim.latestDue : nil
                if from == nil { try await sweepAll() }  // the idle worker sweeps before it claims from the start
                let claimed = claim.timers
                guard claimed > 0 else {
                    if usedFrom == nil {
                        emptyClaim = claimTime
                        break
                    }
                    continue  // once more from the earliest due timer
                }
                count += 1
                slowest.append((claimTime.wholeMicroseconds, count, usedFrom != nil, Date()))
                slowest = Array(slowest.sorted { $0.0 > $1.0 }.prefix(3))
                claimedTimers += claimed
                firedTimers += fired
                claims.record(UInt64(claimTime.wholeMicroseconds))
                claimsAndLocks.record(UInt64(lockTime.wholeMicroseconds))
                batches.record(UInt64(batchTime.wholeMicroseconds))
            }
            let elapsed = ContinuousClock.now - runStart
            func ms(_ micros: UInt64) -> String { String(format: "%.2f ms", Double(micros) / 1000) }
            func line(_ name: String, _ histogram: Histogram<UInt64>) -> String {
                "\(name) p50 \(ms(histogram.valueAtPercentile(50)))  p99 \(ms(histogram.valueAtPercentile(99)))  max \(ms(histogram.max))"
            }
            print("batches: \(count) of \(batch); \(claimedTimers) timer rows claimed, \(firedTimers) timers fired, in \(elapsed)")
            print(line("claim (advisory lock per case):   ", claims))
            print("  slowest claims: " + slowest.map { String(format: "batch %d %@ %.2f ms (%@)", $0.batch, $0.fromCursor ? "(from the cursor)" : "(from the start)", Double($0.micros) / 1000, Timestamp($0.at).rfc3339) }.joined(separator: ", "))
            print(line("claim + case locks (SKIP LOCKED): ", claimsAndLocks))
            print(line("batch transaction:                ", batches))

            if let emptyClaim {
                print(String(format: "last claim (from the start after the sweeps, nothing due left): %.2f ms", Double(emptyClaim.wholeMicroseconds) / 1000))
            }
            print("sweeps: \(swept) fired timer rows removed in \(sweeps) transactions of up to \(batch * 5) cases, \(sweepTime)")
        }
        try await PostgresTestCluster.dropSchema(configuration)
    }
}

extension Duration {
    /// Whole microseconds.
    var wholeMicroseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
