import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Why the dispatcher must look at a work order.
enum EscalationKind: String, Codable, Sendable, CaseIterable {
    /// Nobody suitable could be assigned; retried on a timer.
    case nobodySuitable = "nobody_suitable"
    /// A share of the contact window passed without contact.
    case contactWarning = "contact_warning"
    /// The contact window passed without contact.
    case contactDeadlineBreached = "contact_deadline_breached"
    /// A crew did not accept its offer in time.
    case acceptanceTimeout = "acceptance_timeout"
    /// The case was closed while work was under way on site (started work is never cancelled): the dispatcher
    /// decides; resolved when the order is completed or cancelled.
    case caseClosed = "case_closed"
}

/// Repair dispatch's SQL for escalations, run inside the caller's transaction.
struct EscalationRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// An escalation to open.
    struct NewEscalation: Codable, Sendable {
        var work_order_id: String
        var kind: EscalationKind
        var detail: String
    }

    /// An escalation as listed for staff.
    struct Listed: Codable, Sendable {
        var escalation_id: Int64
        var work_order_id: String
        var kind: String
        var detail: String
        var opened_at: Timestamp
        var resolved_at: Timestamp?
    }

    /// Opens escalations in one statement.
    func open(_ escalations: [NewEscalation]) async throws {
        guard !escalations.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO escalations (work_order_id, kind, detail)
            SELECT work_order_id, kind, detail
            FROM jsonb_populate_recordset(NULL::escalations, \(try WorkOrderRepository.json(escalations))::jsonb)
            """, logger: logger)
    }

    /// Resolves the order's open escalations of `kinds`.
    func resolve(_ kinds: [EscalationKind], of workOrderID: String) async throws {
        guard let uuid = UUID(uuidString: workOrderID) else { return }
        try await connection.query(
            """
            UPDATE escalations SET resolved_at = now()
            WHERE work_order_id = \(uuid) AND kind = ANY(\(kinds.map(\.rawValue))::text[]) AND resolved_at IS NULL
            """, logger: logger)
    }

    /// Of the orders `ids`, those with an open escalation of `kind`.
    func openOn(_ ids: [String], kind: EscalationKind) async throws -> Set<String> {
        let uuids = ids.compactMap { UUID(uuidString: $0) }
        guard !uuids.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT DISTINCT work_order_id::text FROM escalations
            WHERE work_order_id = ANY(\(uuids)::uuid[]) AND kind = \(kind.rawValue) AND resolved_at IS NULL
            """, logger: logger)
        var found: Set<String> = []
        for try await id in rows.decode(String.self) { found.insert(id) }
        return found
    }

    /// Escalations, newest first: open ones only unless `includeResolved`; optionally of one project.
    func list(project: String?, includeResolved: Bool, limit: Int) async throws -> [Listed] {
        let rows = try await connection.query(
            """
            SELECT to_jsonb(e)::text FROM escalations e JOIN work_orders w USING (work_order_id)
            WHERE (\(includeResolved) OR e.resolved_at IS NULL) AND (\(project)::text IS NULL OR w.project = \(project))
            ORDER BY e.escalation_id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [Listed] = []
        for try await text in rows.decode(String.self) {
            result.append(try CareLoopJSON.decode(Listed.self, from: Array(text.utf8)))
        }
        return result
    }
}
