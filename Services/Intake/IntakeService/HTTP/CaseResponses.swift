import CareLoopContracts
import Foundation

/// The body of `201`/`200` from `POST /v1/cases` in the batch form: every case, in defect order.
struct BatchCreatedResponse: Codable, Hashable, Sendable {
    var cases: [CaseCreatedResponse]
}

/// `GET /v1/cases/{id}`: the case as intake knows it now, with its timeline. Texts are shown with personal data
/// redacted; the owner appears by id, never by name or phone.
struct CaseDetail: Codable, Hashable, Sendable {
    var caseID: String
    var reference: String
    var externalRef: ExternalReference
    var submissionItem: Int
    var status: String
    var kind: String
    var channel: String
    var category: String?
    var categoryHint: String?
    var severity: String?
    var department: String?
    var property: PropertyAddress
    var owner: OwnerSummary
    var title: String?
    var description: String
    var attachments: [VoiceSubmission.Attachment]
    var inspectionBatch: String?
    var taker: String?
    var due: CaseDeadlines?
    var submittedAt: Timestamp
    var registeredAt: Timestamp
    var updatedAt: Timestamp
    var timeline: [TimelineItem]

    enum CodingKeys: String, CodingKey {
        case reference, status, kind, channel, category, severity, department, property, owner, title, description
        case attachments, taker, due, timeline
        case caseID = "case_id"
        case externalRef = "external_ref"
        case submissionItem = "submission_item"
        case categoryHint = "category_hint"
        case inspectionBatch = "inspection_batch"
        case submittedAt = "submitted_at"
        case registeredAt = "registered_at"
        case updatedAt = "updated_at"
    }
}

/// The owner of a case as the API shows it: id, language, move-in date and today's lifecycle stage.
struct OwnerSummary: Codable, Hashable, Sendable {
    var id: String
    var language: String?
    var moveInDate: String?
    var lifecycleStage: LifecycleStage?

    enum CodingKeys: String, CodingKey {
        case id, language
        case moveInDate = "move_in_date"
        case lifecycleStage = "lifecycle_stage"
    }
}

/// One timeline entry as the API shows it.
struct TimelineItem: Codable, Hashable, Sendable {
    /// What happened: `registered`, `routed`, `escalated`, `sla_warning`, …
    var entry: String
    var status: String
    var occurredAt: Timestamp
    var actor: String?
    var channel: String?
    var reason: String?
    var details: Details?

    /// Facts of the case event behind the entry.
    struct Details: Codable, Hashable, Sendable {
        var category: String?
        var severity: String?
        var department: String?
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

    enum CodingKeys: String, CodingKey {
        case entry, status, actor, channel, reason, details
        case occurredAt = "occurred_at"
    }
}

/// One case in a `GET /v1/cases` page.
struct CaseSummary: Codable, Hashable, Sendable {
    var caseID: String
    var reference: String
    var status: String
    var kind: String
    var channel: String
    var category: String?
    var severity: String?
    var property: PropertyAddress
    var ownerID: String
    var title: String?
    var inspectionBatch: String?
    var registeredAt: Timestamp
    var updatedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case reference, status, kind, channel, category, severity, property, title
        case caseID = "case_id"
        case ownerID = "owner_id"
        case inspectionBatch = "inspection_batch"
        case registeredAt = "registered_at"
        case updatedAt = "updated_at"
    }
}

/// A page of `GET /v1/cases`: cases in id (registration) order and the cursor of the next page, if any.
struct CasePage: Codable, Hashable, Sendable {
    var items: [CaseSummary]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}
