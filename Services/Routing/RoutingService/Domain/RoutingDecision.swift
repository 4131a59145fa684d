import CareLoopContracts
import Foundation

/// Everything routing decides for a newly registered case: category, department, severity, time rule
/// and the SLA clock that drives its deadlines.
package struct RoutingDecision: Sendable {
    package var classification: Classification
    package var severity: SeverityAssessment
    package var timeRule: TimeRule
    package var clock: SLAClock

    /// The deadlines as the contract carries them.
    package var due: CaseDeadlines {
        CaseDeadlines(
            acknowledgeBy: Timestamp(clock.target(.acknowledge).deadline),
            respondBy: Timestamp(clock.target(.respond).deadline),
            resolveBy: Timestamp(clock.target(.resolve).deadline))
    }
}

/// The pure routing rules, put together: classifier, severity rules, time-rule selection and the
/// city calendars. Built once from configuration.
package struct RoutingRules: Sendable {
    package var classifier: Classifier
    package var severityRules = SeverityRules()
    package var timeRules = TimeRuleSelector()
    package var policies: [TimeRule: SLAPolicy] = [.rule113: .rule113, .rule137: .rule137]
    /// Calendar per city; cities without one use `defaultCalendar`.
    package var calendars: [String: BusinessCalendar] = [:]
    package var defaultCalendar: BusinessCalendar

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
        let calendar = calendars[registered.property.city] ?? defaultCalendar
        let policy = policies[timeRule] ?? (timeRule == .rule113 ? .rule113 : .rule137)
        return RoutingDecision(
            classification: classification, severity: severity, timeRule: timeRule,
            clock: SLAClock(policy: policy, calendar: calendar, startedAt: registeredAt))
    }
}
