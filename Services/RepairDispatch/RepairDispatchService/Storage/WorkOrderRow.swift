import CareLoopContracts

/// A `work_orders` row as JSON (`to_jsonb(w)` when reading, `jsonb_populate_recordset` when writing), so one
/// `Codable` type maps every column without a 40-column tuple.
struct WorkOrderRow: Codable, Sendable {
    var work_order_id: String
    var case_id: String
    var case_reference: String
    var status: String
    var version: Int
    var category: String
    var skill: String
    var component: String
    var city: String
    var project: String
    var building: String?
    var unit: String?
    var owner_id: String?
    var inspection_batch: String?
    var title: String?
    var description: String?
    var requested_at: Timestamp
    var contact_by: Timestamp
    var in_warranty: Bool
    var warranty_expires_on: String?
    var warranty_basis: String
    var delivered_on: LocalDate?
    var quote_state: String
    var quote_amount: String?
    var technician_id: String?
    var vendor_id: String?
    var offered_to: String?
    var accepted_at: Timestamp?
    var planned_day: LocalDate?
    var dispatch_group: String?
    var appointment_start: Timestamp?
    var appointment_end: Timestamp?
    var contacted_at: Timestamp?
    var started_at: Timestamp?
    var completed_at: Timestamp?
    var work_done: String?
    var cause: String?
    var escalation: String?

    /// Every column this type writes, in table order (the same list for INSERT and UPDATE).
    static let columns = [
        "work_order_id", "case_id", "case_reference", "status", "version", "category", "skill", "component", "city", "project",
        "building", "unit", "owner_id", "inspection_batch", "title", "description", "requested_at", "contact_by", "in_warranty",
        "warranty_expires_on", "warranty_basis", "delivered_on", "quote_state", "quote_amount", "technician_id", "vendor_id",
        "offered_to", "accepted_at", "planned_day", "dispatch_group", "appointment_start", "appointment_end", "contacted_at",
        "started_at", "completed_at", "work_done", "cause", "escalation",
    ]

    init(_ order: WorkOrder) {
        work_order_id = order.id
        case_id = order.caseID
        case_reference = order.caseReference
        status = order.status.rawValue
        version = order.version
        category = order.category
        skill = order.scope.skill.rawValue
        component = order.scope.component.rawValue
        city = order.property.city
        project = order.property.project
        building = order.property.building
        unit = order.property.unit
        owner_id = order.ownerID
        inspection_batch = order.inspectionBatch
        title = order.title
        description = order.description
        requested_at = order.requestedAt
        contact_by = order.contactBy
        in_warranty = order.warranty.coverage.inWarranty
        warranty_expires_on = order.warranty.coverage.expiresOn
        warranty_basis = order.warranty.basis.rawValue
        delivered_on = order.warranty.deliveredOn
        quote_state = order.quote.rawValue
        quote_amount = order.quoteAmount
        technician_id = order.technicianID
        vendor_id = order.vendorID
        offered_to = order.offeredTo
        accepted_at = order.acceptedAt
        planned_day = order.plannedDay
        dispatch_group = order.dispatchGroup
        appointment_start = order.appointment?.start
        appointment_end = order.appointment?.end
        contacted_at = order.contactedAt
        started_at = order.startedAt
        completed_at = order.completedAt
        work_done = order.workDone
        cause = order.cause
        escalation = order.escalation
    }

    /// The domain value; values this version does not know fall back to safe defaults (unknown trade → general).
    var workOrder: WorkOrder {
        var order = WorkOrder(
            id: work_order_id, caseID: case_id, caseReference: case_reference, status: WorkOrderStatus(rawValue: status),
            version: version, category: category,
            scope: RepairScope(
                skill: TechnicianSkill(rawValue: skill) ?? .general, component: WarrantyComponent(rawValue: component) ?? .decoration),
            property: PropertyAddress(city: city, project: project, building: building, unit: unit), ownerID: owner_id,
            inspectionBatch: inspection_batch, title: title, description: description, requestedAt: requested_at,
            contactBy: contact_by,
            warranty: WarrantyAssessment(
                coverage: WarrantyCoverage(inWarranty: in_warranty, component: component, expiresOn: warranty_expires_on),
                basis: WarrantyAssessment.Basis(rawValue: warranty_basis) ?? .statutory, deliveredOn: delivered_on))
        order.quote = QuoteState(rawValue: quote_state) ?? .notRequired
        order.quoteAmount = quote_amount
        order.technicianID = technician_id
        order.vendorID = vendor_id
        order.offeredTo = offered_to
        order.acceptedAt = accepted_at
        order.plannedDay = planned_day
        order.dispatchGroup = dispatch_group
        if let appointment_start, let appointment_end {
            order.appointment = Appointment(start: appointment_start, end: appointment_end)
        }
        order.contactedAt = contacted_at
        order.startedAt = started_at
        order.completedAt = completed_at
        order.workDone = work_done
        order.cause = cause
        order.escalation = escalation
        return order
    }
}
