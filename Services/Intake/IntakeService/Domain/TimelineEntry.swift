import CareLoopContracts
import Foundation

/// One entry of a case's timeline, from a case event consumed back from `careloop.cases.v1`: what happened
/// (`routed`, `escalated`, …), the status after it, when, who, why and the event's details.
struct TimelineEntry: Sendable, Encodable {
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

    /// The event's own facts beyond status, actor and reason.
    struct Details: Sendable, Encodable {
        var category: String
        var severity: String
        var department: String
        var escalationLevel: Int?
        var deadline: String?
        var groupIncidentID: String?
        var previousStatus: String?
        var requiresWorkOrder: Bool?

        enum CodingKeys: String, CodingKey {
            case category, severity, department, deadline
            case escalationLevel = "escalation_level"
            case groupIncidentID = "group_incident_id"
            case previousStatus = "previous_status"
            case requiresWorkOrder = "requires_work_order"
        }
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

    enum CodingKeys: String, CodingKey {
        case position, entry, status, actor, reason, details, category, severity, department
        case caseID = "case_id"
        case occurredAt = "occurred_at"
        case eventSource = "event_source"
        case eventID = "event_id"
        case acknowledgeBy = "acknowledge_by"
        case respondBy = "respond_by"
        case resolveBy = "resolve_by"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(caseID, forKey: .caseID)
        try container.encode(entry, forKey: .entry)
        try container.encode(status, forKey: .status)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encodeIfPresent(actor, forKey: .actor)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(details, forKey: .details)
        try container.encode(eventSource, forKey: .eventSource)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(category, forKey: .category)
        try container.encode(severity, forKey: .severity)
        try container.encode(department, forKey: .department)
        try container.encode(due.acknowledgeBy, forKey: .acknowledgeBy)
        try container.encode(due.respondBy, forKey: .respondBy)
        try container.encode(due.resolveBy, forKey: .resolveBy)
    }
}
