/// A CloudEvents `type` (`ce_type`). Open: unknown types decode and can be routed to a dead-letter topic
/// with error class `unknown_type`; ``isKnown`` tells whether this contract version defines one.
package struct EventType: OpenStringEnum {
    /// The type string, e.g. `careloop.case.registered`.
    package let rawValue: String

    /// Wraps a type string.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    // MARK: Intake (`careloop.intake.v1`)

    /// A customer voice submitted by a company system; data ``VoiceSubmission``.
    package static let voiceSubmitted: EventType = "careloop.voice.submitted"

    // MARK: Cases (`careloop.cases.v1`), data ``CaseEventData``

    /// A case was opened from a submission.
    package static let caseRegistered: EventType = "careloop.case.registered"
    /// A case got its category, severity, department and deadlines.
    package static let caseRouted: EventType = "careloop.case.routed"
    /// A case went up one escalation level.
    package static let caseEscalated: EventType = "careloop.case.escalated"
    /// A deadline of the case is close.
    package static let caseSLAWarning: EventType = "careloop.case.sla_warning"
    /// A deadline of the case passed.
    package static let caseSLABreached: EventType = "careloop.case.sla_breached"
    /// A person took over the case.
    package static let caseAssigned: EventType = "careloop.case.assigned"
    /// The case's issue was resolved.
    package static let caseResolved: EventType = "careloop.case.resolved"
    /// The case was closed after follow-up.
    package static let caseClosed: EventType = "careloop.case.closed"
    /// A resolved or closed case was opened again.
    package static let caseReopened: EventType = "careloop.case.reopened"
    /// The case was merged into a group incident.
    package static let caseMerged: EventType = "careloop.case.merged"

    // MARK: Work orders (`careloop.workorders.v1`), data ``WorkOrderEventData``

    /// A repair work order was opened for a case.
    package static let workOrderOpened: EventType = "careloop.workorder.opened"
    /// A technician or vendor was assigned.
    package static let workOrderAssigned: EventType = "careloop.workorder.assigned"
    /// The owner was contacted (the 24-hour contact rule).
    package static let workOrderContacted: EventType = "careloop.workorder.contacted"
    /// A visit was booked.
    package static let workOrderScheduled: EventType = "careloop.workorder.scheduled"
    /// Work started on site.
    package static let workOrderStarted: EventType = "careloop.workorder.started"
    /// Work waits for parts.
    package static let workOrderPartsWaiting: EventType = "careloop.workorder.parts_waiting"
    /// The technician finished.
    package static let workOrderCompleted: EventType = "careloop.workorder.completed"
    /// The result was verified (call-back or inspection).
    package static let workOrderVerified: EventType = "careloop.workorder.verified"
    /// A completed work order was opened again.
    package static let workOrderReopened: EventType = "careloop.workorder.reopened"
    /// The work order was cancelled.
    package static let workOrderCancelled: EventType = "careloop.workorder.cancelled"

    // MARK: Surveys (`careloop.surveys.v1`), data ``SurveyEventData``

    /// An owner was invited to a survey.
    package static let surveyInvited: EventType = "careloop.survey.invited"
    /// An owner answered a survey.
    package static let surveyResponded: EventType = "careloop.survey.responded"
    /// A survey invitation expired unanswered.
    package static let surveyExpired: EventType = "careloop.survey.expired"

    // MARK: Notifications (`careloop.notifications.v1`), data ``NotificationEventData``

    /// A message is handed to the company's sender.
    package static let notificationRequested: EventType = "careloop.notification.requested"
    /// The sender delivered the message.
    package static let notificationDelivered: EventType = "careloop.notification.delivered"
    /// The sender could not deliver the message.
    package static let notificationFailed: EventType = "careloop.notification.failed"

    /// Every event type of contract v1.
    package static let known: [EventType] = [
        .voiceSubmitted,
        .caseRegistered, .caseRouted, .caseEscalated, .caseSLAWarning, .caseSLABreached, .caseAssigned,
        .caseResolved, .caseClosed, .caseReopened, .caseMerged,
        .workOrderOpened, .workOrderAssigned, .workOrderContacted, .workOrderScheduled, .workOrderStarted,
        .workOrderPartsWaiting, .workOrderCompleted, .workOrderVerified, .workOrderReopened, .workOrderCancelled,
        .surveyInvited, .surveyResponded, .surveyExpired,
        .notificationRequested, .notificationDelivered, .notificationFailed,
    ]

    /// Type-name prefixes and the topic each family belongs on.
    private static let topicsByPrefix: [(prefix: String, topic: Topic)] = [
        ("careloop.voice.", .intake),
        ("careloop.case.", .cases),
        ("careloop.workorder.", .workOrders),
        ("careloop.survey.", .surveys),
        ("careloop.notification.", .notifications),
    ]

    /// The topic this event type belongs on, by its family prefix (`careloop.case.*` → cases), or `nil`
    /// for a type outside every CareLoop family. A new type of a known family maps too; check ``isKnown``.
    package var topic: Topic? {
        Self.topicsByPrefix.first { rawValue.hasPrefix($0.prefix) && rawValue.count > $0.prefix.count }?.topic
    }

    /// The last dot-separated part (`registered` for `careloop.case.registered`), e.g. for metrics labels.
    package var action: String {
        rawValue.split(separator: ".").last.map(String.init) ?? rawValue
    }
}
