import CareLoopContracts

/// The repair work-order state machine over the contract's ``WorkOrderStatus``.
///
/// opened → assigned → contacted → scheduled → started ⇄ parts_waiting → completed → verified, with reassignment
/// before work starts, rebooking, no-shows back to contacted, reopen after completion or verification, and cancel
/// until work has started (or while waiting for parts). Cancelled is final.
package enum WorkOrderLifecycle {
    /// The state after `action`, or why it is refused. Booking a visit (`schedule`) for an out-of-warranty order
    /// needs `quote == .accepted`.
    package static func apply(_ action: WorkOrderAction, to current: WorkOrderStatus, quote: QuoteState = .notRequired)
        -> Result<WorkOrderStatus, IllegalTransition>
    {
        guard current.isKnown else {
            return .failure(IllegalTransition(current: current, action: action, code: .unknownState))
        }
        guard let next = target(of: action, from: current) else {
            return .failure(IllegalTransition(current: current, action: action, code: .notAllowed))
        }
        if next == .scheduled, quote == .awaitingAcceptance {
            return .failure(IllegalTransition(current: current, action: action, code: .quoteNotAccepted))
        }
        return .success(next)
    }

    /// The actions allowed in `state` (ignoring the quote rule), in declaration order.
    package static func allowedActions(in state: WorkOrderStatus) -> [WorkOrderAction] {
        WorkOrderAction.allCases.filter { target(of: $0, from: state) != nil }
    }

    private static func target(of action: WorkOrderAction, from state: WorkOrderStatus) -> WorkOrderStatus? {
        switch (state, action) {
        case (.opened, .assign), (.assigned, .assign), (.contacted, .assign), (.scheduled, .assign),
            (.reopened, .assign):
            .assigned
        case (.assigned, .contact):
            .contacted
        case (.contacted, .schedule), (.scheduled, .schedule), (.partsWaiting, .schedule):
            .scheduled
        case (.scheduled, .markNoShow):
            .contacted
        case (.scheduled, .start), (.partsWaiting, .resume):
            .started
        case (.started, .waitForParts):
            .partsWaiting
        case (.started, .complete):
            .completed
        case (.completed, .verify):
            .verified
        case (.completed, .reopen), (.verified, .reopen):
            .reopened
        case (.opened, .cancel), (.assigned, .cancel), (.contacted, .cancel), (.scheduled, .cancel),
            (.partsWaiting, .cancel), (.reopened, .cancel):
            .cancelled
        default:
            nil
        }
    }
}
