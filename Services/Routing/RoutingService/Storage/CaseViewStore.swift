import CareLoopContracts
import Foundation
import Logging
import PostgresNIO

/// Reads what the staff API shows of a case beyond its record: routing audit, timeline and escalations.
enum CaseViewStore {
    /// The view of `record`, read on `connection` (inside the caller's transaction, so it includes its changes).
    static func view(of record: CaseRecord, connection: PostgresConnection, logger: Logger) async throws -> CaseView {
        var audit = CaseView.Audit()
        let auditRows = try await connection.query(
            "SELECT matched_rule, classification_source, rules_version, routed_by FROM cases WHERE case_id = \(record.caseID)",
            logger: logger)
        for try await (rule, source, version, routedBy) in auditRows.decode((String?, String?, String?, String?).self) {
            audit = CaseView.Audit(matchedRule: rule, classificationSource: source, rulesVersion: version, routedBy: routedBy)
        }
        let timelineRows = try await connection.query(
            """
            SELECT at, actor, action, event_type, event_id, from_status, to_status, details::text FROM case_timeline
            WHERE case_id = \(record.caseID) ORDER BY id
            """, logger: logger)
        var timeline: [CaseView.Entry] = []
        for try await (at, actor, action, type, id, from, to, details) in timelineRows.decode(
            (Date, String, String, String?, String?, String?, String?, String).self)
        {
            timeline.append(
                CaseView.Entry(
                    at: Timestamp(at), actor: actor, action: action, eventType: type, eventID: id, fromStatus: from, toStatus: to,
                    details: (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:]))
        }
        let escalationRows = try await connection.query(
            """
            SELECT level, role, escalated_at, actor, reason, trigger FROM case_escalations
            WHERE case_id = \(record.caseID) ORDER BY level
            """, logger: logger)
        var escalations: [CaseView.Escalation] = []
        for try await (level, role, at, actor, reason, trigger) in escalationRows.decode((Int, String, Date, String, String, String).self) {
            escalations.append(CaseView.Escalation(level: level, role: role, at: Timestamp(at), actor: actor, reason: reason, trigger: trigger))
        }
        return CaseView(record: record, audit: audit, timeline: timeline, escalations: escalations)
    }
}
