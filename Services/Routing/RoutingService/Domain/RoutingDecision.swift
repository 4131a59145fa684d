import CareLoopContracts
import Foundation

/// Everything routing decides for a newly registered case: category, department, severity, time rule,
/// the SLA clock that drives its deadlines, whether it needs repair work and whether the complaint is valid.
package struct RoutingDecision: Sendable {
    package var classification: Classification
    package var severity: SeverityAssessment
    package var timeRule: TimeRule
    package var clock: SLAClock
    /// Whether repair dispatch must open a work order (`requires_work_order`).
    package var requiresWorkOrder: Bool
    /// The validity rule's decision.
    package var validity: ComplaintValidity

    /// The deadlines as the contract carries them.
    package var due: CaseDeadlines {
        CaseDeadlines(
            acknowledgeBy: Timestamp(clock.target(.acknowledge).deadline),
            respondBy: Timestamp(clock.target(.respond).deadline),
            resolveBy: Timestamp(clock.target(.resolve).deadline))
    }
}

/// The pure routing rules, put together: classifier, severity rules, time-rule selection, the city calendars,
/// work-order and validity rules, and the case policies (group incidents, escalation) per city and project.
/// Built once from configuration; the classifier is replaced when the rule file is reloaded.
package struct RoutingRules: Sendable {
    package var classifier: Classifier
    package var severityRules = SeverityRules()
    package var timeRules = TimeRuleSelector()
    package var policies: [TimeRule: SLAPolicy] = [.rule113: .rule113, .rule137: .rule137]
    /// Calendar per city; cities without one use `defaultCalendar`.
    package var calendars: [String: BusinessCalendar] = [:]
    package var defaultCalendar: BusinessCalendar
    /// Which cases need a repair work order.
    package var workOrders = WorkOrderRules()
    /// Which complaints count as valid.
    package var validity = ComplaintValidityRules()
    /// Group-incident thresholds, commanders and escalation chains per city and project.
    package var casePolicies = RoutingPolicies()
    /// Voice kinds that count towards group incidents (complaints and repair requests; not praise or inquiries).
    package var groupIncidentKinds: Set<VoiceKind> = [.complaint, .repair]
    /// The lowest call-back score that counts as satisfied and closes the case (domain: 4 or 5 of 5).
    package var callbackSatisfiedScore = 4

    package init(classifier: Classifier, defaultCalendar: BusinessCalendar) {
        self.classifier = classifier
        self.defaultCalendar = defaultCalendar
    }

    /// Decides a registered case. `ownerReportsInWindow` counts this owner's reports (this one included)
    /// within the severity rules' repeat window.
    package func decide(_ registered: CaseEventData, ownerReportsInWindow: Int, registeredAt: Date) -> RoutingDecision {
        let title = registered.title ?? ""
        let description = registered.description ?? ""
        let classification = classifier.classify(title: title, description: description, categoryHint: registered.categoryHint)
        let severity = severityRules.assess(
            SeverityInput(title: title, description: description, ownerReportsInWindow: ownerReportsInWindow))
        let timeRule = timeRules.timeRule(category: classification.category, kind: registered.kind)
        return RoutingDecision(
            classification: classification, severity: severity, timeRule: timeRule,
            clock: SLAClock(policy: slaPolicy(timeRule), calendar: calendar(city: registered.property.city), startedAt: registeredAt),
            requiresWorkOrder: workOrders.requiresWorkOrder(
                kind: registered.kind, category: classification.category, inspectionBatch: registered.inspectionBatch),
            validity: validity.decide(kind: registered.kind, category: classification.category))
    }

    /// The business calendar of `city`.
    package func calendar(city: String) -> BusinessCalendar {
        calendars[city] ?? defaultCalendar
    }

    /// The SLA policy of `timeRule`.
    package func slaPolicy(_ timeRule: TimeRule) -> SLAPolicy {
        policies[timeRule] ?? (timeRule == .rule113 ? .rule113 : .rule137)
    }

    /// Everything that applies to a case of `project` in `city` on `timeRule`.
    package func context(city: String, project: String, timeRule: TimeRule) -> CaseRuleContext {
        CaseRuleContext(
            calendar: calendar(city: city), slaPolicy: slaPolicy(timeRule), policy: casePolicies.policy(city: city, project: project))
    }

    /// The rules that apply to `record`.
    package func context(for record: CaseRecord) -> CaseRuleContext {
        context(city: record.data.property.city, project: record.data.property.project, timeRule: record.timeRule)
    }

    /// The department owning `category` under the current rule set; the triage category belongs to customer
    /// service; `nil` for a category the rule set does not know.
    package func department(ofCategory category: String) -> Department? {
        if category == Classifier.triageCategory { return .customerService }
        return classifier.ruleSet.rules.first { $0.category == category }?.department
    }
}
