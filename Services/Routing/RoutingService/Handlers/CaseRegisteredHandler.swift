import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Takes ownership of every registered case: classifies it, grades its severity, picks its time rule,
/// starts its SLA clock, records all of it with the rule that matched (for audit) and emits
/// `careloop.case.routed` through the outbox, in the batch's transaction.
struct CaseRegisteredHandler: CloudEventHandler {
    let rules: RoutingRules
    let eventSource: String

    var acceptedTypes: Set<EventType> { [.caseRegistered] }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        var rejections: [EventRejection] = []
        var outbox: [OutboxMessage] = []
        for (index, inbound) in events.enumerated() {
            let data: CaseEventData
            switch CaseEventData.parse(json: inbound.event.data) {
            case .success(let parsed): data = parsed
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
                continue
            }
            guard let caseID = UUID(uuidString: data.caseID) else {
                rejections.append(EventRejection(index: index, errorClass: "validation", message: "case_id: not a UUID"))
                continue
            }
            let registeredAt = data.occurredAt.date
            let inserted = try await connection.query(
                """
                INSERT INTO cases (case_id, reference, kind, city, project, owner_id, category_hint, status, registered_at)
                VALUES (\(caseID), \(data.reference), \(data.kind.rawValue), \(data.property.city), \(data.property.project),
                        \(data.ownerID), \(data.categoryHint), 'registered', \(registeredAt))
                ON CONFLICT (case_id) DO NOTHING
                RETURNING case_id
                """, logger: logger)
            var isNew = false
            for try await _ in inserted { isNew = true }
            guard isNew else { continue }  // already routed under another event id

            let decision = rules.decide(
                data, ownerReportsInWindow: try await ownerReports(data, since: registeredAt - rules.severityRules.repeatWindow.timeInterval, connection, logger),
                registeredAt: registeredAt)
            try await record(decision, caseID: caseID, connection, logger)
            var routed = data
            routed.status = .routed
            routed.previousStatus = .registered
            routed.category = decision.classification.category
            routed.department = decision.classification.department
            routed.severity = decision.severity.severity
            routed.due = decision.due
            routed.occurredAt = Timestamp(Date())
            let event = try CloudEvent.json(
                id: "\(data.caseID).routed", source: eventSource, type: .caseRouted, time: routed.occurredAt, subject: data.caseID,
                traceparent: inbound.event.traceparent, tracestate: inbound.event.tracestate, payload: routed)
            outbox.append(OutboxMessage(event: event, topic: .cases, key: data.caseID))
            logger.debug(
                "Case routed",
                metadata: [
                    "case_id": "\(data.caseID)", "category": "\(decision.classification.category)",
                    "severity": "\(decision.severity.severity.rawValue)", "time_rule": "\(decision.timeRule.rawValue)",
                ])
        }
        try await Outbox.enqueue(outbox, connection: connection)
        return rejections
    }

    /// How many cases this owner registered since `since` (this one included).
    private func ownerReports(_ data: CaseEventData, since: Date, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        guard let owner = data.ownerID else { return 1 }
        let rows = try await connection.query(
            "SELECT count(*)::int FROM cases WHERE owner_id = \(owner) AND registered_at >= \(since)", logger: logger)
        for try await count in rows.decode(Int.self) { return max(1, count) }
        return 1
    }

    private func record(_ decision: RoutingDecision, caseID: UUID, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let reasons = decision.severity.reasons.map { "\($0)" }
        let reasonsJSON = String(decoding: try JSONEncoder().encode(reasons), as: UTF8.self)
        let clockJSON = String(decoding: try JSONEncoder().encode(decision.clock), as: UTF8.self)
        try await connection.query(
            """
            UPDATE cases SET status = 'routed', category = \(decision.classification.category),
                department = \(decision.classification.department.rawValue), severity = \(decision.severity.severity.rawValue),
                severity_reasons = \(reasonsJSON)::jsonb, time_rule = \(decision.timeRule.rawValue),
                matched_rule = \(decision.classification.matchedRuleID),
                classification_source = \(decision.classification.source.rawValue),
                rules_version = \(decision.classification.ruleSetVersion), sla_clock = \(clockJSON)::jsonb, routed_at = now()
            WHERE case_id = \(caseID)
            """, logger: logger)
    }
}
