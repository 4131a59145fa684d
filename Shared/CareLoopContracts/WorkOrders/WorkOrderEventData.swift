/// The `data` of every `careloop.workorders.v1` event: a snapshot of the repair work order after the change.
package struct WorkOrderEventData: EventPayload {
    /// Work-order events are published on `careloop.workorders.v1`.
    package static let topic = Topic.workOrders

    /// The work order's id (the record key and `ce_subject`).
    package var workOrderID: String
    /// The case the work order serves.
    package var caseID: String
    /// The status after this event.
    package var status: WorkOrderStatus
    /// The trade needed, e.g. `plumbing`, `waterproofing`, `doors`.
    package var skill: String
    /// The assigned technician, once assigned.
    package var technicianID: String?
    /// The assigned vendor, when the work is subcontracted.
    package var vendorID: String?
    /// The booked visit window; required when `status` is `scheduled`.
    package var appointment: Appointment?
    /// The warranty decision, once made.
    package var warranty: WarrantyCoverage?
    /// Where the work is.
    package var property: PropertyAddress
    /// When this change happened.
    package var occurredAt: Timestamp
    /// Why (required when `status` is `cancelled` or `reopened`).
    package var reason: String?

    /// Makes work-order data.
    package init(
        workOrderID: String,
        caseID: String,
        status: WorkOrderStatus,
        skill: String,
        technicianID: String? = nil,
        vendorID: String? = nil,
        appointment: Appointment? = nil,
        warranty: WarrantyCoverage? = nil,
        property: PropertyAddress,
        occurredAt: Timestamp,
        reason: String? = nil
    ) {
        self.workOrderID = workOrderID
        self.caseID = caseID
        self.status = status
        self.skill = skill
        self.technicianID = technicianID
        self.vendorID = vendorID
        self.appointment = appointment
        self.warranty = warranty
        self.property = property
        self.occurredAt = occurredAt
        self.reason = reason
    }

    /// Every rule the data breaks: required and bounded ids, a known status, an appointment when scheduled
    /// and in order, a warranty component and date, a reason when cancelled or reopened.
    package func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(workOrderID, at: "work_order_id", maxLength: FieldLimits.identifier)
        validator.requireText(caseID, at: "case_id", maxLength: FieldLimits.identifier)
        validator.requireKnown(status, at: "status")
        validator.requireText(skill, at: "skill", maxLength: FieldLimits.label)
        validator.limitText(technicianID, at: "technician_id", maxLength: FieldLimits.identifier)
        validator.limitText(vendorID, at: "vendor_id", maxLength: FieldLimits.identifier)
        if let appointment {
            validator.merge(appointment.validate(at: "appointment"))
        } else if status == .scheduled {
            validator.report("appointment", .required, "is required when status is scheduled")
        }
        if let warranty { validator.merge(warranty.validate(at: "warranty")) }
        validator.merge(property.validate(at: "property"))
        validator.limitText(reason, at: "reason", maxLength: FieldLimits.reason)
        if [.cancelled, .reopened].contains(status), (reason ?? "").isEmpty {
            validator.report("reason", .required, "is required when status is \(status.rawValue)")
        }
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case status, skill, appointment, warranty, property, reason
        case workOrderID = "work_order_id"
        case caseID = "case_id"
        case technicianID = "technician_id"
        case vendorID = "vendor_id"
        case occurredAt = "occurred_at"
    }
}
