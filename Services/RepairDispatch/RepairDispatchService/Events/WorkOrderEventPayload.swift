import CareLoopContracts

/// The `data` of a `careloop.workorders.v1` event: the contract's ``WorkOrderEventData`` plus CareLoop's additive
/// optional fields (documented in `docs/integration-contract.md`), written into the same JSON object.
package struct WorkOrderEventPayload: Encodable, Sendable {
    /// The contract's fields.
    package var data: WorkOrderEventData
    /// Additive: the case's reference, e.g. `SZ-2026-000123`.
    package var caseReference: String?
    /// Additive: the delivery-inspection batch the defect came from.
    package var inspectionBatch: String?
    /// Additive: the latest instant the owner must be contacted (the 24-hour rule).
    package var contactBy: Timestamp?
    /// Additive: the day the visit is planned for (`YYYY-MM-DD`).
    package var plannedDay: LocalDate?
    /// Additive: out of warranty only, `awaiting_acceptance` or `accepted`.
    package var quoteStatus: QuoteState?
    /// Additive: how the warranty was decided: `statutory`, `project_promise` or `delivery_date_unknown`.
    package var warrantyBasis: WarrantyAssessment.Basis?
    /// Additive: on reassignment, the technician the order was taken from.
    package var previousTechnicianID: String?
    /// Additive: why the dispatcher must look at the order: `nobody_suitable` or `contact_deadline_breached`.
    package var escalation: String?
    /// Additive: who made the change: a technician or staff id, or `system`.
    package var actor: String?

    enum AdditiveKeys: String, CodingKey {
        case actor, escalation
        case caseReference = "case_reference"
        case inspectionBatch = "inspection_batch"
        case contactBy = "contact_by"
        case plannedDay = "planned_day"
        case quoteStatus = "quote_status"
        case warrantyBasis = "warranty_basis"
        case previousTechnicianID = "previous_technician_id"
    }

    package func encode(to encoder: any Encoder) throws {
        try data.encode(to: encoder)
        var container = encoder.container(keyedBy: AdditiveKeys.self)
        try container.encodeIfPresent(caseReference, forKey: .caseReference)
        try container.encodeIfPresent(inspectionBatch, forKey: .inspectionBatch)
        try container.encodeIfPresent(contactBy, forKey: .contactBy)
        try container.encodeIfPresent(plannedDay, forKey: .plannedDay)
        try container.encodeIfPresent(quoteStatus, forKey: .quoteStatus)
        try container.encodeIfPresent(warrantyBasis, forKey: .warrantyBasis)
        try container.encodeIfPresent(previousTechnicianID, forKey: .previousTechnicianID)
        try container.encodeIfPresent(escalation, forKey: .escalation)
        try container.encodeIfPresent(actor, forKey: .actor)
    }
}

/// What else an event says about the change beyond the order's snapshot.
package struct WorkOrderChange: Sendable {
    /// Who made it: a technician or staff id, or `system`.
    package var actor: String
    /// Why (required for `cancelled` and `reopened`).
    package var reason: String?
    /// On reassignment, the technician before.
    package var previousTechnicianID: String?
    /// An escalation raised with the change.
    package var escalation: String?
    /// When it happened.
    package var occurredAt: Timestamp
    /// The W3C trace context of what caused it, passed on to the event.
    package var traceparent: String?

    /// Makes a change description.
    package init(
        actor: String, reason: String? = nil, previousTechnicianID: String? = nil, escalation: String? = nil, occurredAt: Timestamp,
        traceparent: String? = nil
    ) {
        self.actor = actor
        self.reason = reason
        self.previousTechnicianID = previousTechnicianID
        self.escalation = escalation
        self.occurredAt = occurredAt
        self.traceparent = traceparent
    }
}

extension WorkOrder {
    /// The event data announcing the order's current status after `change`.
    package func eventPayload(_ change: WorkOrderChange) -> WorkOrderEventPayload {
        WorkOrderEventPayload(
            data: WorkOrderEventData(
                workOrderID: id, caseID: caseID, status: status, skill: scope.skill.rawValue, technicianID: technicianID,
                vendorID: vendorID, appointment: appointment, warranty: warranty.coverage,
                property: property, occurredAt: change.occurredAt, reason: change.reason),
            caseReference: caseReference, inspectionBatch: inspectionBatch, contactBy: contactBy, plannedDay: plannedDay,
            quoteStatus: quote == .notRequired ? nil : quote, warrantyBasis: warranty.basis,
            previousTechnicianID: change.previousTechnicianID, escalation: change.escalation, actor: change.actor)
    }

    /// The event type of the current status: `careloop.workorder.<status>`.
    package var eventType: EventType { EventType(rawValue: "careloop.workorder.\(status.rawValue)") }
}
