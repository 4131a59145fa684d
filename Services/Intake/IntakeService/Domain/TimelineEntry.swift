import CareLoopContracts
import Foundation

/// One entry of a case's timeline, from a case event consumed back from `careloop.cases.v1`: what happened
/// (`routed`, `escalated`, …), the status after it, when, who, why and the event's details.
struct TimelineEntry: Sendable {
    var position: Int
    var caseID: UUID
    /// The event type's last part, e.g. `sla_warning`.
    var entry: String
    var status: String
    var occurredAt: Timestamp
    var actor: String?
    var reason: String?
    var details: Details
    var eventSource: String
    var eventID: String
    /// The case's values after the event, kept for reads and list filters.
    var category: String
    var severity: String
    var department: String
    var due: CaseDeadlines

    /// The event's own facts beyond status, actor and reason (stored as the entry's `details`; see
    /// ``TimelineRepository/append(_:)``).
    struct Details: Sendable {
        var category: String
        var severity: String
        var department: String
        var escalationLevel: Int?
        var deadline: String?
        var groupIncidentID: String?
        var previousStatus: String?
        var requiresWorkOrder: Bool?
    }

    /// The entry for event `type` carrying `data`; `nil` when the case id is not a UUID (not a case of intake's).
    init?(position: Int, type: EventType, data: CaseEventData, source: String, id: String) {
        guard let caseID = UUID(uuidString: data.caseID) else { return nil }
        self.position = position
        self.caseID = caseID
        entry = type.action
        status = data.status.rawValue
        occurredAt = data.occurredAt
        actor = data.actor
        reason = data.reason
        details = Details(
            category: data.category, severity: data.severity.rawValue, department: data.department.rawValue,
            escalationLevel: data.escalationLevel, deadline: data.deadline, groupIncidentID: data.groupIncidentID,
            previousStatus: data.previousStatus?.rawValue, requiresWorkOrder: data.requiresWorkOrder)
        eventSource = source
        eventID = id
        category = data.category
        severity = data.severity.rawValue
        department = data.department.rawValue
        due = data.due
    }
}
