import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// What a durable timer does when it fires.
enum TimerKind: String, Codable, Sendable, CaseIterable {
    /// A share of the 24-hour contact window has passed without contact.
    case contactWarning = "contact_warning"
    /// The contact window passed without contact.
    case contactBreach = "contact_breach"
    /// Nobody was suitable; try to assign again.
    case assignmentRetry = "assignment_retry"
    /// A crew did not accept its offer in time; offer the order to someone else.
    case acceptanceTimeout = "acceptance_timeout"
}

/// A due timer claimed by a worker.
struct DueTimer: Sendable, Hashable {
    var timerID: Int64
    var workOrderID: String
    var kind: TimerKind
    var level: Int
    var technicianID: String?
    var dueAt: Date
}

/// Repair dispatch's SQL for durable timers, run inside the caller's transaction.
struct TimerRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// A timer to insert.
    struct NewTimer: Codable, Sendable {
        var work_order_id: String
        var kind: TimerKind
        var due_at: Timestamp
        var level: Int
        var technician_id: String?
    }

    /// Inserts timers in one statement.
    func schedule(_ timers: [NewTimer]) async throws {
        guard !timers.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO timers (work_order_id, kind, due_at, level, technician_id)
            SELECT work_order_id, kind, due_at, level, technician_id
            FROM jsonb_populate_recordset(NULL::timers, \(try WorkOrderRepository.json(timers))::jsonb)
            """, logger: logger)
    }

    /// Cancels the order's pending timers of `kinds`.
    func cancel(_ kinds: [TimerKind], of workOrderID: String) async throws {
        guard let uuid = UUID(uuidString: workOrderID) else { return }
        try await connection.query(
            """
            UPDATE timers SET cancelled_at = now()
            WHERE work_order_id = \(uuid) AND kind = ANY(\(kinds.map(\.rawValue))::text[])
              AND fired_at IS NULL AND cancelled_at IS NULL
            """, logger: logger)
    }

    /// Claims up to `limit` timers due at `now`, oldest first, together with their work orders, skipping rows another
    /// transaction holds (another replica's worker, or a request changing the order): each due timer is handled
    /// by one transaction only. The locks last until the caller's transaction ends.
    func claimDue(limit: Int, now: Date) async throws -> [DueTimer] {
        let rows = try await connection.query(
            """
            SELECT t.timer_id, t.work_order_id::text, t.kind, t.level, t.technician_id, t.due_at
            FROM timers t JOIN work_orders w ON w.work_order_id = t.work_order_id
            WHERE t.fired_at IS NULL AND t.cancelled_at IS NULL AND t.due_at <= \(now)
            ORDER BY t.due_at
            LIMIT \(limit)
            FOR UPDATE OF t, w SKIP LOCKED
            """, logger: logger)
        var timers: [DueTimer] = []
        for try await (id, order, kind, level, technician, due) in rows.decode((Int64, String, String, Int, String?, Date).self) {
            guard let kind = TimerKind(rawValue: kind) else { continue }
            timers.append(DueTimer(timerID: id, workOrderID: order, kind: kind, level: level, technicianID: technician, dueAt: due))
        }
        return timers
    }

    /// Marks timers fired.
    func markFired(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("UPDATE timers SET fired_at = now() WHERE timer_id = ANY(\(ids)::int8[])", logger: logger)
    }
}
