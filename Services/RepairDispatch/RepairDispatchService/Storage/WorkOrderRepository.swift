import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Repair dispatch's SQL for work orders, their history and assignments, run inside the caller's transaction.
struct WorkOrderRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Of `caseIDs`, those that already have a work order (with `liveOnly`, one that is not cancelled).
    func existingCaseIDs(_ caseIDs: [String], liveOnly: Bool = false) async throws -> Set<String> {
        guard !caseIDs.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT case_id FROM work_orders WHERE case_id = ANY(\(caseIDs)::text[]) AND (NOT \(liveOnly) OR status <> 'cancelled')
            """, logger: logger)
        var found: Set<String> = []
        for try await caseID in rows.decode(String.self) { found.insert(caseID) }
        return found
    }

    /// Every work order of case `caseID` (a case has at most one live order; cancelled ones stay), oldest first,
    /// locked until the transaction ends.
    func lockOrders(ofCase caseID: String) async throws -> [WorkOrder] {
        try await orders(
            "SELECT to_jsonb(w)::text FROM work_orders w WHERE case_id = \(caseID) ORDER BY created_at, work_order_id FOR UPDATE")
    }

    /// The orders of the cases `caseIDs`, locked, in one statement.
    func lockOrders(ofCases caseIDs: [String]) async throws -> [WorkOrder] {
        guard !caseIDs.isEmpty else { return [] }
        return try await orders(
            "SELECT to_jsonb(w)::text FROM work_orders w WHERE case_id = ANY(\(caseIDs)::text[]) ORDER BY case_id, created_at, work_order_id FOR UPDATE")
    }

    /// Inserts `orders` in one statement; returns the ids inserted (a case that got a live order meanwhile is skipped).
    func insert(_ orders: [WorkOrder]) async throws -> Set<String> {
        guard !orders.isEmpty else { return [] }
        let json = try Self.json(orders.map(WorkOrderRow.init))
        let columns = WorkOrderRow.columns.joined(separator: ", ")
        var query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO work_orders (\(columns))
                SELECT \(columns) FROM jsonb_populate_recordset(NULL::work_orders, $1::jsonb)
                ON CONFLICT (case_id) WHERE status <> 'cancelled' DO NOTHING
                RETURNING work_order_id::text
                """)
        query.binds.append(json)
        var inserted: Set<String> = []
        for try await id in try await connection.query(query, logger: logger).decode(String.self) { inserted.insert(id) }
        return inserted
    }

    /// Writes every mutable column of `order`.
    func save(_ order: WorkOrder) async throws {
        let json = try Self.json([WorkOrderRow(order)])
        let assignments = WorkOrderRow.columns.dropFirst(2).map { "\($0) = r.\($0)" }.joined(separator: ", ")
        var query = PostgresQuery(
            unsafeSQL: """
                UPDATE work_orders w SET \(assignments), updated_at = now()
                FROM jsonb_populate_recordset(NULL::work_orders, $1::jsonb) r
                WHERE w.work_order_id = r.work_order_id
                """)
        query.binds.append(json)
        try await connection.query(query, logger: logger)
    }

    /// The order with `id`, locked until the transaction ends; `nil` when there is none.
    func lock(_ id: String) async throws -> WorkOrder? {
        guard let uuid = UUID(uuidString: id) else { return nil }
        return try await orders(
            "SELECT to_jsonb(w)::text FROM work_orders w WHERE work_order_id = \(uuid) FOR UPDATE"
        ).first
    }

    /// The order with `id`, unlocked.
    func load(_ id: String) async throws -> WorkOrder? {
        guard let uuid = UUID(uuidString: id) else { return nil }
        return try await orders("SELECT to_jsonb(w)::text FROM work_orders w WHERE work_order_id = \(uuid)").first
    }

    /// The open orders assigned or offered to `technicianID` that are planned (or booked) on `day` or earlier,
    /// by appointment, planned day and contact deadline.
    func openOrders(of technicianID: String, through day: LocalDate, dayEnd: Date) async throws -> [WorkOrder] {
        try await orders(
            """
            SELECT to_jsonb(w)::text FROM work_orders w
            WHERE (technician_id = \(technicianID) OR offered_to = \(technicianID))
              AND status NOT IN ('completed', 'verified', 'cancelled')
              AND (planned_day IS NULL OR planned_day <= \(day.description)::date OR appointment_start < \(dayEnd))
            ORDER BY appointment_start NULLS LAST, planned_day NULLS LAST, contact_by
            LIMIT 500
            """)
    }

    private func orders(_ query: PostgresQuery) async throws -> [WorkOrder] {
        var result: [WorkOrder] = []
        for try await text in try await connection.query(query, logger: logger).decode(String.self) {
            result.append(try CareLoopJSON.decode(WorkOrderRow.self, from: Array(text.utf8)).workOrder)
        }
        return result
    }

    // MARK: History

    /// One line of `work_order_history`.
    struct HistoryLine: Codable, Sendable {
        var work_order_id: String
        var version: Int
        var status: String
        var action: String
        var actor: String
        var technician_id: String?
        var reason: String?
        var occurred_at: Timestamp
    }

    /// Appends history lines in one statement.
    func appendHistory(_ lines: [HistoryLine]) async throws {
        guard !lines.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO work_order_history (work_order_id, version, status, action, actor, technician_id, reason, occurred_at)
            SELECT work_order_id, version, status, action, actor, technician_id, reason, occurred_at
            FROM jsonb_populate_recordset(NULL::work_order_history, \(try Self.json(lines))::jsonb)
            """, logger: logger)
    }

    /// The order's history, oldest first.
    func history(of id: String) async throws -> [HistoryLine] {
        guard let uuid = UUID(uuidString: id) else { return [] }
        let rows = try await connection.query(
            """
            SELECT to_jsonb(h)::text FROM work_order_history h WHERE work_order_id = \(uuid) ORDER BY version
            """, logger: logger)
        var lines: [HistoryLine] = []
        for try await text in rows.decode(String.self) {
            lines.append(try CareLoopJSON.decode(HistoryLine.self, from: Array(text.utf8)))
        }
        return lines
    }

    // MARK: Assignments

    /// A technician's stint on an order.
    struct Assignment: Codable, Sendable {
        var work_order_id: String
        var technician_id: String
        var planned_day: LocalDate?
        var offered: Bool
        var started_at: Timestamp
        var accepted_at: Timestamp?
        var ended_at: Timestamp?
        var end_reason: String?
        var actor: String
    }

    /// Opens assignments in one statement.
    func openAssignments(_ assignments: [Assignment]) async throws {
        guard !assignments.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO assignments (work_order_id, technician_id, planned_day, offered, started_at, accepted_at, actor)
            SELECT work_order_id, technician_id, planned_day, offered, started_at, accepted_at, actor
            FROM jsonb_populate_recordset(NULL::assignments, \(try Self.json(assignments))::jsonb)
            """, logger: logger)
    }

    /// Ends `technicianID`'s open assignment on the order (if any) with `reason`.
    func endAssignment(of id: String, technicianID: String, reason: String, at time: Date) async throws {
        guard let uuid = UUID(uuidString: id) else { return }
        try await connection.query(
            """
            UPDATE assignments SET ended_at = \(time), end_reason = \(reason)
            WHERE work_order_id = \(uuid) AND technician_id = \(technicianID) AND ended_at IS NULL
            """, logger: logger)
    }

    /// Records that the current assignment was accepted.
    func acceptAssignment(of id: String, technicianID: String, at time: Date) async throws {
        guard let uuid = UUID(uuidString: id) else { return }
        try await connection.query(
            """
            UPDATE assignments SET accepted_at = \(time)
            WHERE work_order_id = \(uuid) AND technician_id = \(technicianID) AND ended_at IS NULL AND accepted_at IS NULL
            """, logger: logger)
    }

    /// Technicians taken off the order (declined, timed out, breached the contact rule, removed by staff): not
    /// chosen again for it.
    func excludedTechnicians(of id: String) async throws -> Set<String> {
        guard let uuid = UUID(uuidString: id) else { return [] }
        let rows = try await connection.query(
            """
            SELECT DISTINCT technician_id FROM assignments
            WHERE work_order_id = \(uuid) AND end_reason IN ('declined', 'acceptance_timeout', 'contact_deadline_breached', 'removed')
            """, logger: logger)
        var found: Set<String> = []
        for try await technician in rows.decode(String.self) { found.insert(technician) }
        return found
    }

    /// The order's assignments, oldest first.
    func assignments(of id: String) async throws -> [Assignment] {
        guard let uuid = UUID(uuidString: id) else { return [] }
        let rows = try await connection.query(
            """
            SELECT to_jsonb(a)::text FROM assignments a WHERE work_order_id = \(uuid) ORDER BY assignment_id
            """, logger: logger)
        var result: [Assignment] = []
        for try await text in rows.decode(String.self) {
            result.append(try CareLoopJSON.decode(Assignment.self, from: Array(text.utf8)))
        }
        return result
    }

    // MARK: Entries

    /// A note, photo, part used or part awaited, as the technician logged it, or a case change recorded by the system.
    struct Entry: Codable, Sendable {
        /// `note`, `photo`, `part_used`, `part_awaited`, or `case_merged` (the case joined a group incident).
        var kind: String
        var body: EntryBody
        var actor: String
        var created_at: Timestamp?
    }

    /// What an entry says: text for notes, a URL for photos, a part and quantity for parts, the group incident (and
    /// a text) for `case_merged`.
    struct EntryBody: Codable, Sendable, Hashable {
        var text: String?
        var url: String?
        var part: String?
        var quantity: Int?
        var group_incident_id: String?
    }

    /// Adds entries to orders, in the given order: one statement for all of them.
    func addEntries(_ entries: [(workOrderID: String, entry: Entry)]) async throws {
        let rows = entries.compactMap { pair in
            UUID(uuidString: pair.workOrderID).map { EntryRow(work_order_id: $0, kind: pair.entry.kind, body: pair.entry.body, actor: pair.entry.actor) }
        }
        guard !rows.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO work_order_entries (work_order_id, kind, body, actor)
            SELECT e.work_order_id, e.kind, e.body, e.actor
            FROM ROWS FROM (jsonb_to_recordset(\(try Self.json(rows))::jsonb) AS (work_order_id uuid, kind text, body jsonb, actor text))
                WITH ORDINALITY AS e(work_order_id, kind, body, actor, position)
            ORDER BY e.position
            """, logger: logger)
    }

    /// One `work_order_entries` row as ``addEntries(_:)`` sends it.
    private struct EntryRow: Encodable {
        var work_order_id: UUID
        var kind: String
        var body: EntryBody
        var actor: String
    }

    /// The group incidents recorded (`case_merged` entries) on each of the orders `ids`.
    func recordedMerges(of ids: [String]) async throws -> [String: Set<String>] {
        let uuids = ids.compactMap { UUID(uuidString: $0) }
        guard !uuids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT work_order_id::text, body->>'group_incident_id' FROM work_order_entries
            WHERE work_order_id = ANY(\(uuids)::uuid[]) AND kind = 'case_merged' AND body->>'group_incident_id' IS NOT NULL
            """, logger: logger)
        var found: [String: Set<String>] = [:]
        for try await (id, incident) in rows.decode((String, String).self) { found[id, default: []].insert(incident) }
        return found
    }

    /// The order's entries, oldest first.
    func entries(of id: String) async throws -> [Entry] {
        guard let uuid = UUID(uuidString: id) else { return [] }
        let rows = try await connection.query(
            """
            SELECT jsonb_build_object('kind', kind, 'body', body, 'actor', actor, 'created_at', created_at)::text
            FROM work_order_entries WHERE work_order_id = \(uuid) ORDER BY entry_id
            """, logger: logger)
        var result: [Entry] = []
        for try await text in rows.decode(String.self) {
            result.append(try CareLoopJSON.decode(Entry.self, from: Array(text.utf8)))
        }
        return result
    }

    /// `values` as a JSON array text, for `jsonb_populate_recordset`.
    static func json(_ values: some Encodable) throws -> String {
        try CompactJSONEncoder(dates: .deferredToDate).encodeString(values)
    }
}
