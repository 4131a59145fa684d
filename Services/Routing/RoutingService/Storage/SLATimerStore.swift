import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// The `sla_timers` table: one row per open warning or deadline of a case, claimed by the timer worker when due.
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

    /// Claims up to `limit` due timers, earliest first. A timer is claimed by taking a transaction-scoped advisory
    /// lock on its case (`pg_try_advisory_xact_lock(lockClass, hashtext(case_id))`): a case another worker has
    /// claimed is skipped, not waited for, and the claim lasts until the caller's transaction ends.
    ///
    /// Advisory locks live in PostgreSQL's shared lock table, so claiming writes nothing: locking the timer rows
    /// (`FOR UPDATE SKIP LOCKED`, the first design) wrote each row's heap page and a WAL record, ~500 scattered
    /// pages per batch, which was most of the claim's time. Firing stays exactly-once because the worker then
    /// locks the claimed cases' rows (``lockCases(_:connection:logger:)``) and their stored clocks decide what is
    /// due; the advisory lock only keeps replicas from claiming the same cases. Each claim holds up to `limit`
    /// advisory locks until commit: PostgreSQL's lock table (`max_locks_per_transaction` × `max_connections`,
    /// 6,400 by default) must fit `limit` per replica besides the ordinary locks.
    ///
    /// The plan walks the partial index `sla_timers_due` (unfired rows only, by `due_at`) for at most `2 × limit`
    /// candidates (the rows other replicas claimed are skipped within them): the cost is the rows read, not the
    /// table's size. While a backlog drains, pass the previous batch's ``Claim/latestDue`` as `from`: the scan then
    /// starts after the index entries of the timers just fired, which stay in the index (dead) until vacuum. A
    /// timer left behind by such a scan (skipped because its case was held, or inserted with an earlier due time)
    /// is claimed by the next scan without `from`, which the worker makes as soon as a batch is not full.
    package static func claimDue(
        at now: Date, from: Date? = nil, limit: Int, lockClass: Int32, connection: PostgresConnection, logger: Logger
    ) async throws -> Claim {
        // The candidates are materialized first so that the lock function runs only on them, in `due_at` order,
        // and the outer `LIMIT` stops taking locks once `limit` timers are claimed.
        let rows = try await connection.query(
            """
            WITH due AS MATERIALIZED (
                SELECT case_id, due_at FROM sla_timers
                WHERE fired_at IS NULL AND due_at <= \(now) AND due_at >= \(from ?? Date.distantPast)
                ORDER BY due_at
                LIMIT \(limit * 2))
            SELECT case_id, due_at FROM due
            WHERE pg_try_advisory_xact_lock(\(lockClass), hashtext(case_id::text))
            LIMIT \(limit)
            """, logger: logger)
        var claim = Claim(cases: [], timers: 0, latestDue: nil)
        var seen: Set<UUID> = []
        for try await (id, due) in rows.decode((UUID, Date).self) {
            claim.timers += 1
            claim.latestDue = max(claim.latestDue ?? due, due)
            if seen.insert(id).inserted { claim.cases.append(id) }
        }
        return claim
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

    /// Makes the rows of `records` match their clocks: published timers are marked fired at `now`, timers no longer
    /// wanted (met milestones, a pause, a closed or merged case) are deleted unfired, and wanted ones are inserted
    /// or moved (a resume shifts them; a reopening arms fired ones again).
    /// - Parameter fresh: the cases are new (no rows yet): only inserts.
    ///
    /// Writers hold the cases' rows (staff requests, consumers) and may wait for timer rows a worker is marking; the
    /// worker uses ``syncAfterFiring(_:now:connection:logger:)`` instead, which never waits, so no cycle can form.
    static func sync(_ records: [CaseRecord], now: Date, fresh: Bool = false, connection: PostgresConnection, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        var wantedCases: [UUID] = [], wantedDeadlines: [String] = [], wantedKinds: [String] = [], wantedAt: [Date] = []
        var firedCases: [UUID] = [], firedDeadlines: [String] = [], firedKinds: [String] = []
        for record in records {
            for timer in record.wantedTimers {
                wantedCases.append(record.caseID)
                wantedDeadlines.append(timer.milestone.rawValue)
                wantedKinds.append(timer.kind.rawValue)
                wantedAt.append(timer.at)
            }
            for key in record.firedTimers {
                firedCases.append(record.caseID)
                firedDeadlines.append(key.milestone.rawValue)
                firedKinds.append(key.kind.rawValue)
            }
        }
        if !fresh {
            let ids = records.map(\.caseID)
            if !firedCases.isEmpty {
                try await connection.query(
                    """
                    UPDATE sla_timers AS t SET fired_at = \(now)
                    FROM unnest(\(firedCases)::uuid[], \(firedDeadlines)::text[], \(firedKinds)::text[]) AS f(case_id, deadline, kind)
                    WHERE t.case_id = f.case_id AND t.deadline = f.deadline AND t.kind = f.kind AND t.fired_at IS NULL
                    """, logger: logger)
            }
            try await connection.query(
                """
                DELETE FROM sla_timers AS t
                WHERE t.case_id = ANY(\(ids)::uuid[]) AND t.fired_at IS NULL AND NOT EXISTS (
                    SELECT 1 FROM unnest(\(wantedCases)::uuid[], \(wantedDeadlines)::text[], \(wantedKinds)::text[])
                        AS w(case_id, deadline, kind)
                    WHERE w.case_id = t.case_id AND w.deadline = t.deadline AND w.kind = t.kind)
                """, logger: logger)
        }
        guard !wantedCases.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO sla_timers (case_id, deadline, kind, due_at)
            SELECT * FROM unnest(\(wantedCases)::uuid[], \(wantedDeadlines)::text[], \(wantedKinds)::text[], \(wantedAt)::timestamptz[])
            ON CONFLICT (case_id, deadline, kind) DO UPDATE SET due_at = EXCLUDED.due_at, fired_at = NULL
            WHERE sla_timers.due_at <> EXCLUDED.due_at OR sla_timers.fired_at IS NOT NULL
            """, logger: logger)
    }

    /// The timer worker's sync after firing: marks the published timers fired and deletes unfired rows the clocks
    /// neither want nor published, skipping rows another worker holds (`SKIP LOCKED`) instead of waiting for them. A skipped row
    /// stays unfired until a later batch claims it, finds its clock has nothing due and marks it then: the clock,
    /// not the row, decides what is published, so nothing fires twice. Rows the clocks want are kept as they are
    /// (firing never moves a timer; writers that move them use ``sync(_:now:fresh:connection:logger:)``).
    static func syncAfterFiring(_ records: [CaseRecord], now: Date, connection: PostgresConnection, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        var firedCases: [UUID] = [], firedDeadlines: [String] = [], firedKinds: [String] = []
        var wantedCases: [UUID] = [], wantedDeadlines: [String] = [], wantedKinds: [String] = []
        for record in records {
            for key in record.firedTimers {
                firedCases.append(record.caseID)
                firedDeadlines.append(key.milestone.rawValue)
                firedKinds.append(key.kind.rawValue)
            }
            // Rows to keep: the wanted ones, and the published ones (a published row skipped above is marked by a
            // later batch, never deleted, so every timer that fired keeps its row).
            for (milestone, kind) in record.wantedTimers.map({ ($0.milestone, $0.kind) }) + record.firedTimers.map({ ($0.milestone, $0.kind) }) {
                wantedCases.append(record.caseID)
                wantedDeadlines.append(milestone.rawValue)
                wantedKinds.append(kind.rawValue)
            }
        }
        if !firedCases.isEmpty {
            try await connection.query(
                """
                WITH target AS (
                    SELECT s.case_id, s.deadline, s.kind FROM sla_timers AS s
                    JOIN unnest(\(firedCases)::uuid[], \(firedDeadlines)::text[], \(firedKinds)::text[]) AS f(case_id, deadline, kind)
                        ON s.case_id = f.case_id AND s.deadline = f.deadline AND s.kind = f.kind
                    WHERE s.fired_at IS NULL
                    FOR UPDATE OF s SKIP LOCKED)
                UPDATE sla_timers AS t SET fired_at = \(now) FROM target
                WHERE t.case_id = target.case_id AND t.deadline = target.deadline AND t.kind = target.kind
                """, logger: logger)
        }
        let ids = records.map(\.caseID)
        try await connection.query(
            """
            WITH target AS (
                SELECT s.case_id, s.deadline, s.kind FROM sla_timers AS s
                WHERE s.case_id = ANY(\(ids)::uuid[]) AND s.fired_at IS NULL AND NOT EXISTS (
                    SELECT 1 FROM unnest(\(wantedCases)::uuid[], \(wantedDeadlines)::text[], \(wantedKinds)::text[])
                        AS w(case_id, deadline, kind)
                    WHERE w.case_id = s.case_id AND w.deadline = s.deadline AND w.kind = s.kind)
                FOR UPDATE OF s SKIP LOCKED)
            DELETE FROM sla_timers AS t USING target
            WHERE t.case_id = target.case_id AND t.deadline = target.deadline AND t.kind = target.kind
            """, logger: logger)
    }
}
