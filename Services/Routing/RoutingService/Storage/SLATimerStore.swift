import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// The `sla_timers` table (one row per open warning or deadline of a case, claimed by the timer worker when due)
/// and `sla_timer_firings` (one row per timer row that fired, swept with it later).
///
/// Firing never writes a timer row: it inserts the timer's key into `sla_timer_firings`, and the claim skips keys
/// found there. The claim reads `sla_timers` through `sla_timers_due (due_at) INCLUDE (case_id, deadline, kind)`,
/// an index-only scan while the table's pages are all-visible, so a batch's firing leaves nothing in the way of the
/// next claim. (Marking rows fired in place, the first design, left a dead row version on ~500 scattered heap pages
/// per batch, which the next claims read and pruned.) ``sweep(firedBefore:limit:connection:logger:)`` removes fired
/// rows from both tables in bulk while the worker is idle.
package enum SLATimerStore {
    /// What a claim locked.
    package struct Claim: Sendable {
        /// The claimed timers' cases, each once, earliest due first.
        package var cases: [UUID]
        /// How many timer rows were claimed.
        package var timers: Int
        /// The latest `due_at` claimed, the `from` of the next batch while a backlog drains.
        package var latestDue: Date?
    }

    /// Claims up to `limit` due, unfired timers, earliest first. A timer is claimed by taking a transaction-scoped
    /// advisory lock on its case (`pg_try_advisory_xact_lock(lockClass, hashtext(case_id))`): a case another worker
    /// has claimed is skipped, not waited for, and the claim lasts until the caller's transaction ends.
    ///
    /// Advisory locks live in PostgreSQL's shared lock table, so claiming writes nothing. Firing stays exactly-once
    /// because the worker then locks the claimed cases' rows (``lockCases(_:connection:logger:)``) and their stored
    /// clocks decide what is due; the advisory lock only keeps replicas from claiming the same cases. Each claim
    /// holds up to `limit` advisory locks until commit: PostgreSQL's lock table (`max_locks_per_transaction` ×
    /// `max_connections`, 6,400 by default) must fit `limit` per replica besides the ordinary locks.
    ///
    /// The plan walks `sla_timers_due` in `due_at` order for at most `2 × limit` candidates that have no firing
    /// (the rows other replicas claimed are skipped within them): the cost is the rows read, not the table's size.
    /// While a backlog drains, pass the previous batch's ``Claim/latestDue`` as `from`: the scan then starts after
    /// the timers just fired, which stay in the index until swept. A timer left behind by such a scan (skipped
    /// because its case was held, or inserted with an earlier due time) is claimed by the next scan without `from`,
    /// which the worker makes as soon as a batch is not full. The claimed cases come back as one array in one row.
    package static func claimDue(
        at now: Date, from: Date? = nil, limit: Int, lockClass: Int32, connection: PostgresConnection, logger: Logger
    ) async throws -> Claim {
        let rows = try await connection.query(
            claimQuery(at: now, from: from, limit: limit, lockClass: lockClass), logger: logger)
        var claim = Claim(cases: [], timers: 0, latestDue: nil)
        for try await (count, latest, ids) in rows.decode((Int, Date?, [UUID]?).self) {
            claim.timers = count
            claim.latestDue = latest
            var seen: Set<UUID> = []
            claim.cases = (ids ?? []).filter { seen.insert($0).inserted }
        }
        return claim
    }

    /// The statement of ``claimDue(at:from:limit:lockClass:connection:logger:)`` (the benchmark explains it).
    package static func claimQuery(at now: Date, from: Date?, limit: Int, lockClass: Int32) -> PostgresQuery {
        // The candidates are materialized first so that the lock function runs only on them, in `due_at` order, and
        // the `LIMIT` after it stops taking locks once `limit` timers are claimed (the CTE is read lazily). The
        // `OFFSET 0` keeps the firings check a probe of their primary key per candidate, in the index's order (a
        // correlated subplan; PostgreSQL turns a plain `NOT EXISTS` into an anti-join): as an anti-join the planner
        // hashed the whole firings table and sorted, 20–45 ms per claim late in a drain.
        """
        WITH due AS MATERIALIZED (
            SELECT t.case_id, t.due_at FROM sla_timers AS t
            WHERE t.due_at <= \(now) AND t.due_at >= \(from ?? Date.distantPast)
                AND NOT EXISTS (
                    SELECT 1 FROM sla_timer_firings AS f
                    WHERE f.case_id = t.case_id AND f.deadline = t.deadline AND f.kind = t.kind
                    OFFSET 0)
            ORDER BY t.due_at
            LIMIT \(limit * 2)),
        claimed AS (
            SELECT case_id, due_at FROM due
            WHERE pg_try_advisory_xact_lock(\(lockClass), hashtext(case_id::text))
            LIMIT \(limit))
        SELECT count(*)::int8, max(due_at), array_agg(case_id ORDER BY due_at) FROM claimed
        """
    }

    /// The advisory-lock class of the timer claims in `schema` (the first key of the two-key form, which never
    /// meets the one-key locks of the outbox relay and the migrator).
    package static func lockClass(schema: String) -> Int32 {
        Int32(truncatingIfNeeded: StableHash.fnv1a64("careloop.sla-timer-claims/\(schema)"))
    }

    /// Locks the cases `ids` that nobody else holds (`FOR UPDATE SKIP LOCKED`, case-id order) and returns them: the
    /// worker fires only the timers of cases it holds. A case held by a staff request, a consumer or another
    /// worker is left for a later batch; its claimed timer rows are released unfired when the transaction ends.
    package static func lockCases(_ ids: [UUID], connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT case_id FROM cases WHERE case_id = ANY(\(ids)::uuid[]) ORDER BY case_id FOR UPDATE SKIP LOCKED", logger: logger)
        var locked: [UUID] = []
        for try await id in rows.decode(UUID.self) { locked.append(id) }
        return locked
    }

    /// Makes the rows of `records` match their clocks: published timers are recorded fired at `now`, timers no
    /// longer wanted (met milestones, a pause, a closed or merged case) are deleted unfired, and wanted ones are
    /// inserted or moved (a resume shifts them; a reopening arms fired ones again). Rows already as wanted are not
    /// written at all. The caller holds the cases' rows (every writer does, the timer worker included), so no other
    /// transaction writes these cases' timers meanwhile.
    /// - Parameter fresh: the cases are new (no rows yet): only inserts.
    static func sync(_ records: [CaseRecord], now: Date, fresh: Bool = false, connection: PostgresConnection, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        var wanted = TimerKeys(), fired = TimerKeys()
        var wantedAt: [Date] = []
        for record in records {
            for timer in record.wantedTimers {
                wanted.append(record.caseID, SLATimerKey(milestone: timer.milestone, kind: timer.kind))
                wantedAt.append(timer.at)
            }
            for key in record.firedTimers { fired.append(record.caseID, key) }
        }
        if !fresh {
            if !fired.cases.isEmpty {
                // Once per timer row: a published timer whose row was swept (or never written) gets no firing.
                try await connection.query(
                    """
                    INSERT INTO sla_timer_firings (case_id, deadline, kind, fired_at)
                    SELECT f.case_id, f.deadline, f.kind, \(now)
                    FROM unnest(\(fired.cases)::uuid[], \(fired.deadlines)::text[], \(fired.kinds)::text[]) AS f(case_id, deadline, kind)
                    WHERE EXISTS (
                        SELECT 1 FROM sla_timers AS t WHERE t.case_id = f.case_id AND t.deadline = f.deadline AND t.kind = f.kind)
                    ON CONFLICT (case_id, deadline, kind) DO NOTHING
                    """, logger: logger)
            }
            try await connection.query(
                """
                DELETE FROM sla_timers AS t
                WHERE t.case_id = ANY(\(records.map(\.caseID))::uuid[])
                    AND NOT EXISTS (
                        SELECT 1 FROM sla_timer_firings AS f
                        WHERE f.case_id = t.case_id AND f.deadline = t.deadline AND f.kind = t.kind)
                    AND NOT EXISTS (
                        SELECT 1 FROM unnest(\(wanted.cases)::uuid[], \(wanted.deadlines)::text[], \(wanted.kinds)::text[])
                            AS w(case_id, deadline, kind)
                        WHERE w.case_id = t.case_id AND w.deadline = t.deadline AND w.kind = t.kind)
                """, logger: logger)
            guard !wanted.cases.isEmpty else { return }
            try await connection.query(
                """
                DELETE FROM sla_timer_firings AS f
                USING unnest(\(wanted.cases)::uuid[], \(wanted.deadlines)::text[], \(wanted.kinds)::text[]) AS w(case_id, deadline, kind)
                WHERE f.case_id = w.case_id AND f.deadline = w.deadline AND f.kind = w.kind
                """, logger: logger)
        }
        guard !wanted.cases.isEmpty else { return }
        // `ON CONFLICT DO UPDATE` locks (writes) every conflicting row, even one it leaves as it is: rows already
        // due as wanted are filtered out first.
        try await connection.query(
            """
            INSERT INTO sla_timers (case_id, deadline, kind, due_at)
            SELECT w.case_id, w.deadline, w.kind, w.due_at
            FROM unnest(\(wanted.cases)::uuid[], \(wanted.deadlines)::text[], \(wanted.kinds)::text[], \(wantedAt)::timestamptz[])
                AS w(case_id, deadline, kind, due_at)
            WHERE \(fresh) OR NOT EXISTS (
                SELECT 1 FROM sla_timers AS t
                WHERE t.case_id = w.case_id AND t.deadline = w.deadline AND t.kind = w.kind AND t.due_at = w.due_at)
            ON CONFLICT (case_id, deadline, kind) DO UPDATE SET due_at = EXCLUDED.due_at
            """, logger: logger)
    }

    /// Removes the timers fired before `before`, with their firings, of at most `limit` cases nobody holds (their
    /// rows are locked first, `SKIP LOCKED`, like every writer of a case's timers). Returns the timer rows removed.
    /// A swept timer is gone for good: its case's clock remembers that it fired, and a reopening that arms it again
    /// inserts a new row.
    package static func sweep(firedBefore before: Date, limit: Int, connection: PostgresConnection, logger: Logger) async throws -> Int {
        let candidates = try await connection.query(
            "SELECT DISTINCT case_id FROM sla_timer_firings WHERE fired_at < \(before) LIMIT \(limit)", logger: logger)
        var ids: [UUID] = []
        for try await id in candidates.decode(UUID.self) { ids.append(id) }
        let held = try await lockCases(ids, connection: connection, logger: logger)
        guard !held.isEmpty else { return 0 }
        return try await connection.queryValue(
            """
            WITH gone AS (
                DELETE FROM sla_timer_firings WHERE case_id = ANY(\(held)::uuid[]) AND fired_at < \(before)
                RETURNING case_id, deadline, kind),
            swept AS (
                DELETE FROM sla_timers AS t USING gone
                WHERE t.case_id = ANY(\(held)::uuid[])  -- the primary key's prefix: no scan of the whole table
                    AND t.case_id = gone.case_id AND t.deadline = gone.deadline AND t.kind = gone.kind
                RETURNING 1)
            SELECT count(*)::int8 FROM swept
            """, as: Int.self, logger: logger) ?? 0
    }
}

extension SLATimerStore {
    /// Reads the claim index's entries due by `now` once, after a sweep committed: the index still points at the
    /// swept rows until vacuum, and the first scan over them visits each dead row and marks its entry dead. This
    /// read pays that (once, while the worker is idle) instead of the next claim from the earliest due timer,
    /// which took 107 ms after sweeping 100,000 fired timers. Returns the timer rows due by `now` that remain.
    @discardableResult
    package static func skipSwept(dueBy now: Date, connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.queryValue(
            "SELECT count(*)::int8 FROM (SELECT due_at FROM sla_timers WHERE due_at <= \(now) ORDER BY due_at) AS due",
            as: Int.self, logger: logger) ?? 0
    }
}

/// Timer keys as the parallel arrays `unnest` takes.
private struct TimerKeys {
    var cases: [UUID] = []
    var deadlines: [String] = []
    var kinds: [String] = []

    mutating func append(_ caseID: UUID, _ key: SLATimerKey) {
        cases.append(caseID)
        deadlines.append(key.milestone.rawValue)
        kinds.append(key.kind.rawValue)
    }
}
