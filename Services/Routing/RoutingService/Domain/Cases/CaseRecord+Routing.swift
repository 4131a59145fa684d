import CareLoopContracts
import Foundation

extension CaseRecord {
    /// A newly routed case: the registered data with the decision applied, `careloop.case.routed` published (id
    /// `<case id>.routed`, so a retried batch publishes the same event), and for a major case the first escalation
    /// level at once.
    package static func routed(
        _ registered: CaseEventData, caseID: UUID, decision: RoutingDecision, at instant: Date, rules: CaseRuleContext
    ) -> CaseRecord {
        var data = registered
        data.category = decision.classification.category
        data.department = decision.classification.department
        data.severity = decision.severity.severity
        data.requiresWorkOrder = decision.requiresWorkOrder
        var record = CaseRecord(
            caseID: caseID, state: .registered, data: data, clock: decision.clock, timeRule: decision.timeRule,
            escalationLevel: 0, validity: decision.validity, registeredAt: registered.occurredAt.date)
        try? record.apply([.route], at: instant, rules: rules)  // registered → routed is always legal
        var facts = [
            "category": decision.classification.category, "department": decision.classification.department.rawValue,
            "severity": decision.severity.severity.rawValue, "time_rule": decision.timeRule.rawValue,
            "classification_source": decision.classification.source.rawValue,
            "rules_version": decision.classification.ruleSetVersion,
            "requires_work_order": decision.requiresWorkOrder ? "true" : "false",
        ]
        if let rule = decision.classification.matchedRuleID { facts["matched_rule"] = rule }
        record.publish(
            .caseRouted, action: "routed", at: instant, actor: "system", id: "\(registered.caseID).routed", details: facts)
        if decision.severity.severity == .major, let first = rules.policy.escalationChain.step(above: 0) {
            let reasons = decision.severity.reasons.map(\.summary).joined(separator: "; ")
            record.escalate(to: first, at: instant, actor: "system", reason: "major case: \(reasons)", trigger: "major")
        }
        return record
    }
}

extension SeverityReason {
    /// A short reason for events and timelines, e.g. `safety word 'gas leak'`.
    package var summary: String {
        switch self {
        case .safety(let word): "safety word '\(word)'"
        case .escalationThreat(let word): "escalation threat '\(word)'"
        case .repeatReports(let count): "\(count) reports by the owner within the repeat window"
        case .vip: "VIP owner"
        }
    }
}
