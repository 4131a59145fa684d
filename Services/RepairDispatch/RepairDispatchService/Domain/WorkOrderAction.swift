import CareLoopContracts

/// Something done to a repair work order; ``WorkOrderLifecycle`` says where it leads.
package enum WorkOrderAction: String, CaseIterable, Hashable, Sendable, Codable {
    /// Assign (or reassign) a technician or vendor crew.
    case assign
    /// The technician contacted the owner.
    case contact
    /// Book (or rebook) a visit window.
    case schedule
    /// The owner was not there at the booked window; book again.
    case markNoShow = "mark_no_show"
    /// Work started on site.
    case start
    /// Work paused for parts.
    case waitForParts = "wait_for_parts"
    /// Parts arrived and work resumes on site.
    case resume
    /// The technician finished.
    case complete
    /// The result was checked (call-back or inspection).
    case verify
    /// The owner is not satisfied; open again.
    case reopen
    /// Cancel the order.
    case cancel
}

/// Whether a paid (out-of-warranty) repair's quote was accepted; in-warranty repairs need none.
package enum QuoteState: String, Hashable, Sendable, Codable {
    /// In warranty: free, no quote.
    case notRequired = "not_required"
    /// Out of warranty, quote sent but not (yet) accepted.
    case awaitingAcceptance = "awaiting_acceptance"
    /// Out of warranty and the owner accepted the quote.
    case accepted
}

/// A refused transition, for a 409 problem+json naming the current state and the action.
package struct IllegalTransition: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why it was refused.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let description: String
        /// The action is not allowed in this state.
        package static let notAllowed = Code(description: "not_allowed")
        /// Out of warranty: the owner must accept the quote before a visit is booked.
        package static let quoteNotAccepted = Code(description: "quote_not_accepted")
        /// The state is not one this version knows.
        package static let unknownState = Code(description: "unknown_state")
    }

    /// The state the order is in.
    package var current: WorkOrderStatus
    /// The action refused.
    package var action: WorkOrderAction
    /// Why.
    package var code: Code

    /// `cannot <action> a work order that is <state>` plus what to do.
    package var description: String {
        switch code {
        case .quoteNotAccepted:
            "cannot \(action.rawValue) a work order that is \(current.rawValue): the repair is out of warranty and "
                + "the owner has not accepted the quote"
        case .unknownState:
            "cannot \(action.rawValue) a work order in unknown state \(current.rawValue)"
        default:
            "cannot \(action.rawValue) a work order that is \(current.rawValue)"
        }
    }
}
