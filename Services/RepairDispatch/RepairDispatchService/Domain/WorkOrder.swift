import CareLoopContracts

/// A repair work order: the case it serves, what and where, the warranty decision, who is sent and when, and where
/// it stands. Changes go through ``perform(_:at:)`` so the state machine is never bypassed.
package struct WorkOrder: Hashable, Sendable {
    /// The work order's id (lower-case UUID), the record key and `ce_subject` of its events.
    package var id: String
    /// The case served.
    package var caseID: String
    /// The case's reference, e.g. `SZ-2026-000123`.
    package var caseReference: String
    /// Where the order stands.
    package var status: WorkOrderStatus
    /// How many lifecycle events the order has had (the next event's sequence number is `version + 1`).
    package var version: Int
    /// The routed case category.
    package var category: String
    /// Trade and warranty component.
    package var scope: RepairScope
    /// Where the work is.
    package var property: PropertyAddress
    /// The owner's id (never a name or phone).
    package var ownerID: String?
    /// The delivery-inspection batch the defect was found in.
    package var inspectionBatch: String?
    /// What the owner or inspector wrote, for the technician.
    package var title: String?
    package var description: String?
    /// When the owner asked for the repair; the 24-hour contact rule counts from here.
    package var requestedAt: Timestamp
    /// The latest instant contact counts as on time.
    package var contactBy: Timestamp
    /// The warranty decision.
    package var warranty: WarrantyAssessment
    /// Out of warranty: whether the owner accepted the quote.
    package var quote: QuoteState
    /// The quoted price, as decimal text in the company's currency, once quoted.
    package var quoteAmount: String?
    /// The technician or crew sent (after acceptance, for crews that must accept).
    package var technicianID: String?
    /// The vendor company when the work is subcontracted.
    package var vendorID: String?
    /// A crew the order is offered to, waiting for its acceptance.
    package var offeredTo: String?
    /// When the current technician accepted the order.
    package var acceptedAt: Timestamp?
    /// The day the visit is planned for (the appointment's day once booked).
    package var plannedDay: LocalDate?
    /// The delivery wave's batch: building and trade.
    package var dispatchGroup: String?
    /// The booked visit window.
    package var appointment: Appointment?
    package var contactedAt: Timestamp?
    package var startedAt: Timestamp?
    package var completedAt: Timestamp?
    /// What the technician did, on completion.
    package var workDone: String?
    /// The defect's cause, as the technician found it (feeds the defect register).
    package var cause: String?
    /// An open escalation (`nobody_suitable`, `contact_deadline_breached`), if any.
    package var escalation: String?

    /// Makes an order; lifecycle fields start empty.
    package init(
        id: String, caseID: String, caseReference: String, status: WorkOrderStatus = .opened, version: Int = 0, category: String,
        scope: RepairScope, property: PropertyAddress, ownerID: String? = nil, inspectionBatch: String? = nil, title: String? = nil,
        description: String? = nil, requestedAt: Timestamp, contactBy: Timestamp, warranty: WarrantyAssessment
    ) {
        self.id = id
        self.caseID = caseID
        self.caseReference = caseReference
        self.status = status
        self.version = version
        self.category = category
        self.scope = scope
        self.property = property
        self.ownerID = ownerID
        self.inspectionBatch = inspectionBatch
        self.title = title
        self.description = description
        self.requestedAt = requestedAt
        self.contactBy = contactBy
        self.warranty = warranty
        self.quote = warranty.inWarranty ? .notRequired : .awaitingAcceptance
    }

    /// Whether work on the order is over (completed, verified or cancelled).
    package var isClosed: Bool { [.completed, .verified, .cancelled].contains(status) }

    /// Who is responsible right now: the assigned technician, else the crew it is offered to.
    package var responsibleTechnician: String? { technicianID ?? offeredTo }

    /// Counts one more event that announces the current status again without a transition: an escalation on an
    /// order nobody has accepted (there is no transition to make, but the topic must hear of it).
    package mutating func countRepeatedAnnouncement() {
        version += 1
    }

    /// Applies `action` through the state machine (with the quote rule) and counts the event it causes.
    /// - Throws: ``IllegalTransition`` naming the current state; the order is unchanged then.
    package mutating func perform(_ action: WorkOrderAction) throws(IllegalTransition) {
        switch WorkOrderLifecycle.apply(action, to: status, quote: quote) {
        case .success(let next):
            status = next
            version += 1
        case .failure(let error):
            throw error
        }
    }
}
