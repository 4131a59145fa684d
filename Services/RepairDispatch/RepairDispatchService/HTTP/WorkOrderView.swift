import CareLoopContracts

/// A work order as the technician and staff APIs show it.
struct WorkOrderView: Encodable, Sendable {
    var order: WorkOrder
    /// Where the order stands against the 24-hour contact rule now.
    var contactStatus: String
    /// The actions the state machine allows now (for buttons in a client).
    var allowedActions: [String]

    init(_ order: WorkOrder, now: Timestamp, contactRule: ContactDeadline.Configuration) {
        self.order = order
        let deadline = ContactDeadline(requestedAt: order.requestedAt, configuration: contactRule)
        switch deadline.status(at: now, contactedAt: order.contactedAt) {
        case .onTrack: contactStatus = order.contactedAt == nil ? "on_track" : "contacted_on_time"
        case .warning: contactStatus = "warning"
        case .breached: contactStatus = order.contactedAt == nil ? "breached" : "contacted_late"
        }
        allowedActions = WorkOrderLifecycle.allowedActions(in: order.status).map(\.rawValue)
    }

    enum CodingKeys: String, CodingKey {
        case status, category, skill, component, property, title, description, warranty, appointment, cause, escalation
        case workOrderID = "work_order_id"
        case caseID = "case_id"
        case caseReference = "case_reference"
        case ownerID = "owner_id"
        case inspectionBatch = "inspection_batch"
        case requestedAt = "requested_at"
        case contactBy = "contact_by"
        case contactStatus = "contact_status"
        case warrantyBasis = "warranty_basis"
        case quoteStatus = "quote_status"
        case quoteAmount = "quote_amount"
        case technicianID = "technician_id"
        case vendorID = "vendor_id"
        case offeredTo = "offered_to"
        case acceptedAt = "accepted_at"
        case plannedDay = "planned_day"
        case dispatchGroup = "dispatch_group"
        case contactedAt = "contacted_at"
        case startedAt = "started_at"
        case completedAt = "completed_at"
        case workDone = "work_done"
        case allowedActions = "allowed_actions"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order.id, forKey: .workOrderID)
        try container.encode(order.caseID, forKey: .caseID)
        try container.encode(order.caseReference, forKey: .caseReference)
        try container.encode(order.status.rawValue, forKey: .status)
        try container.encode(order.category, forKey: .category)
        try container.encode(order.scope.skill.rawValue, forKey: .skill)
        try container.encode(order.scope.component.rawValue, forKey: .component)
        try container.encode(order.property, forKey: .property)
        try container.encodeIfPresent(order.ownerID, forKey: .ownerID)
        try container.encodeIfPresent(order.inspectionBatch, forKey: .inspectionBatch)
        try container.encodeIfPresent(order.title, forKey: .title)
        try container.encodeIfPresent(order.description, forKey: .description)
        try container.encode(order.requestedAt, forKey: .requestedAt)
        try container.encode(order.contactBy, forKey: .contactBy)
        try container.encode(contactStatus, forKey: .contactStatus)
        try container.encode(order.warranty.coverage, forKey: .warranty)
        try container.encode(order.warranty.basis, forKey: .warrantyBasis)
        try container.encode(order.quote, forKey: .quoteStatus)
        try container.encodeIfPresent(order.quoteAmount, forKey: .quoteAmount)
        try container.encodeIfPresent(order.technicianID, forKey: .technicianID)
        try container.encodeIfPresent(order.vendorID, forKey: .vendorID)
        try container.encodeIfPresent(order.offeredTo, forKey: .offeredTo)
        try container.encodeIfPresent(order.acceptedAt, forKey: .acceptedAt)
        try container.encodeIfPresent(order.plannedDay, forKey: .plannedDay)
        try container.encodeIfPresent(order.dispatchGroup, forKey: .dispatchGroup)
        try container.encodeIfPresent(order.appointment, forKey: .appointment)
        try container.encodeIfPresent(order.contactedAt, forKey: .contactedAt)
        try container.encodeIfPresent(order.startedAt, forKey: .startedAt)
        try container.encodeIfPresent(order.completedAt, forKey: .completedAt)
        try container.encodeIfPresent(order.workDone, forKey: .workDone)
        try container.encodeIfPresent(order.cause, forKey: .cause)
        try container.encodeIfPresent(order.escalation, forKey: .escalation)
        try container.encode(allowedActions, forKey: .allowedActions)
    }
}

/// A work order with its history, assignments and logged entries.
struct WorkOrderDetailsView: Encodable, Sendable {
    var view: WorkOrderView
    var details: WorkOrderDetails

    enum CodingKeys: String, CodingKey {
        case history, assignments, entries
    }

    func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(details.history, forKey: .history)
        try container.encode(details.assignments, forKey: .assignments)
        try container.encode(details.entries, forKey: .entries)
    }
}

/// A list of work orders.
struct WorkOrderList: Encodable, Sendable {
    var day: LocalDate?
    var workOrders: [WorkOrderView]

    enum CodingKeys: String, CodingKey {
        case day
        case workOrders = "work_orders"
    }
}
