/// The `data` of every `careloop.cases.v1` event: a snapshot of the case after the change.
///
/// Carries the contract's fields plus CareLoop's additive optional ones. It has no field for an owner's
/// name or phone and never decodes one: owners' names and phone numbers never appear on outbound topics.
/// On `careloop.case.registered`, before routing, `category`, `department` and `due` hold provisional values
/// (the category hint, `customer_service` as first-contact owner, the default time rule).
package struct CaseEventData: EventPayload {
    /// Case events are published on `careloop.cases.v1`.
    package static let topic = Topic.cases

    /// CareLoop's case id (the record key and `ce_subject`).
    package var caseID: String
    /// Human-readable reference given to the owner, e.g. `SZ-2026-000123`.
    package var reference: String
    /// The submission the case came from.
    package var externalRef: ExternalReference
    /// The case's status after this event.
    package var status: CaseStatus
    /// The kind of voice.
    package var kind: VoiceKind
    /// Dotted category, e.g. `engineering.plumbing`.
    package var category: String
    /// How the case is handled.
    package var severity: Severity
    /// The department owning the result.
    package var department: Department
    /// Where the issue is.
    package var property: PropertyAddress
    /// The service-level deadlines.
    package var due: CaseDeadlines
    /// When this change happened.
    package var occurredAt: Timestamp

    /// Additive: the company's owner id (never the owner's name or phone).
    package var ownerID: String?
    /// Additive: the channel the submission came through.
    package var channel: Channel?
    /// Additive: the submission's title.
    package var title: String?
    /// Additive: the submission's description.
    package var description: String?
    /// Additive: the submission's category hint.
    package var categoryHint: String?
    /// Additive: the inspection batch, for open-day and delivery defects.
    package var inspectionBatch: String?
    /// Additive: how many attachments the submission had (0–10; the URLs stay in CareLoop).
    package var attachmentsCount: Int?
    /// Additive: when the owner submitted the voice.
    package var submittedAt: Timestamp?
    /// Additive: the group incident the case belongs to (required when `status` is `merged`).
    package var groupIncidentID: String?
    /// Additive: the escalation level reached (0–10), on escalations.
    package var escalationLevel: Int?
    /// Additive: why the change happened (escalation, reopening, SLA, merge …), free text.
    package var reason: String?
    /// Additive: who made the change: a staff id or `system`.
    package var actor: String?
    /// Additive: the status before this event.
    package var previousStatus: CaseStatus?
    /// Additive: whether the case needs repair work (set by routing on `routed`; repair dispatch opens a
    /// work order when true).
    package var requiresWorkOrder: Bool?
    /// Additive: on `sla_warning` and `sla_breached`, which deadline (`acknowledge`, `respond`, `resolve`).
    package var deadline: String?

    /// Makes case data; the contract's fields first, then the additive ones.
    package init(
        caseID: String,
        reference: String,
        externalRef: ExternalReference,
        status: CaseStatus,
        kind: VoiceKind,
        category: String,
        severity: Severity,
        department: Department,
        property: PropertyAddress,
        due: CaseDeadlines,
        occurredAt: Timestamp,
        ownerID: String? = nil,
        channel: Channel? = nil,
        title: String? = nil,
        description: String? = nil,
        categoryHint: String? = nil,
        inspectionBatch: String? = nil,
        attachmentsCount: Int? = nil,
        submittedAt: Timestamp? = nil,
        groupIncidentID: String? = nil,
        escalationLevel: Int? = nil,
        reason: String? = nil,
        actor: String? = nil,
        previousStatus: CaseStatus? = nil,
        requiresWorkOrder: Bool? = nil,
        deadline: String? = nil
    ) {
        self.caseID = caseID
        self.reference = reference
        self.externalRef = externalRef
        self.status = status
        self.kind = kind
        self.category = category
        self.severity = severity
        self.department = department
        self.property = property
        self.due = due
        self.occurredAt = occurredAt
        self.ownerID = ownerID
        self.channel = channel
        self.title = title
        self.description = description
        self.categoryHint = categoryHint
        self.inspectionBatch = inspectionBatch
        self.attachmentsCount = attachmentsCount
        self.submittedAt = submittedAt
        self.groupIncidentID = groupIncidentID
        self.escalationLevel = escalationLevel
        self.reason = reason
        self.actor = actor
        self.previousStatus = previousStatus
        self.requiresWorkOrder = requiresWorkOrder
        self.deadline = deadline
    }

    /// Every rule the data breaks: required and bounded ids and texts, known enumerations, deadlines in
    /// order, attachment count 0–10, escalation level 0–10, a group incident id when merged.
    package func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(caseID, at: "case_id", maxLength: FieldLimits.identifier)
        validator.requireText(reference, at: "reference", maxLength: FieldLimits.identifier)
        validator.merge(externalRef.validate(at: "external_ref"))
        validator.requireKnown(status, at: "status")
        validator.requireKnown(kind, at: "kind")
        validator.requireText(category, at: "category", maxLength: FieldLimits.label)
        validator.requireKnown(severity, at: "severity")
        validator.requireKnown(department, at: "department")
        validator.merge(property.validate(at: "property"))
        validator.merge(due.validate(at: "due"))
        validator.limitText(ownerID, at: "owner_id", maxLength: FieldLimits.identifier)
        validator.limitToKnown(channel, at: "channel")
        validator.limitText(title, at: "title", maxLength: FieldLimits.title)
        validator.limitText(description, at: "description", maxLength: FieldLimits.description)
        validator.limitText(categoryHint, at: "category_hint", maxLength: FieldLimits.label)
        validator.limitText(inspectionBatch, at: "inspection_batch", maxLength: FieldLimits.label)
        validator.range(attachmentsCount, 0...FieldLimits.attachments, at: "attachments_count")
        validator.limitText(groupIncidentID, at: "group_incident_id", maxLength: FieldLimits.identifier)
        if status == .merged, groupIncidentID == nil {
            validator.report("group_incident_id", .required, "is required when status is merged")
        }
        validator.range(escalationLevel, 0...10, at: "escalation_level")
        validator.limitText(reason, at: "reason", maxLength: FieldLimits.reason)
        validator.limitText(actor, at: "actor", maxLength: FieldLimits.label)
        validator.limitToKnown(previousStatus, at: "previous_status")
        if let deadline, !["acknowledge", "respond", "resolve"].contains(deadline) {
            validator.report("deadline", .enum, "must be one of acknowledge, respond, resolve")
        }
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case reference, status, kind, category, severity, department, property, due, channel, title, description
        case reason, actor
        case caseID = "case_id"
        case externalRef = "external_ref"
        case occurredAt = "occurred_at"
        case ownerID = "owner_id"
        case categoryHint = "category_hint"
        case inspectionBatch = "inspection_batch"
        case attachmentsCount = "attachments_count"
        case submittedAt = "submitted_at"
        case groupIncidentID = "group_incident_id"
        case escalationLevel = "escalation_level"
        case previousStatus = "previous_status"
        case requiresWorkOrder = "requires_work_order"
        case deadline
    }
}
