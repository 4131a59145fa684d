/// An action the case's state does not allow, or allows only with a reason that was missing.
///
/// Names the current state and the action so the HTTP edge can answer 409 problem+json.
package struct IllegalTransition: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the action was refused.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire value, e.g. `not_allowed`.
        package let rawValue: String
        /// The action is not allowed in the current state.
        package static let notAllowed = Code(rawValue: "not_allowed")
        /// The action is allowed but needs a non-empty reason (or group incident id) that was missing.
        package static let reasonRequired = Code(rawValue: "reason_required")

        package var description: String { rawValue }
    }

    /// The case's state when the action was tried.
    package var state: CaseState
    /// The refused action.
    package var action: CaseTransition
    /// Why it was refused.
    package var code: Code

    package var description: String {
        switch code {
        case .reasonRequired: "'\(action.name)' in state '\(state.rawValue)' needs a non-empty reason"
        default: "'\(action.name)' is not allowed in state '\(state.rawValue)'"
        }
    }
}

/// The case lifecycle as a pure state machine:
///
/// registered → routed → acknowledged → in_progress ⇄ waiting_on_owner; in_progress → resolved → closed;
/// resolved or closed → reopened → (start) in_progress; any open state before resolution → merged.
/// Closing needs a call-back or a staff override with a non-empty reason; reopening a non-empty reason;
/// merging a non-empty group incident id. `merged` is terminal.
package enum CaseStateMachine {
    /// The state after `action`, or why it is illegal from `state`.
    package static func apply(_ action: CaseTransition, to state: CaseState) -> Result<CaseState, IllegalTransition> {
        func refuse(_ code: IllegalTransition.Code = .notAllowed) -> Result<CaseState, IllegalTransition> {
            .failure(IllegalTransition(state: state, action: action, code: code))
        }
        switch (state, action) {
        case (.registered, .route):
            return .success(.routed)
        case (.routed, .acknowledge):
            return .success(.acknowledged)
        case (.acknowledged, .start), (.reopened, .start):
            return .success(.inProgress)
        case (.acknowledged, .waitOnOwner), (.inProgress, .waitOnOwner):
            return .success(.waitingOnOwner)
        case (.waitingOnOwner, .resumeFromOwner):
            return .success(.inProgress)
        case (.inProgress, .resolve):
            return .success(.resolved)
        case (.resolved, .close(.callbackDone)):
            return .success(.closed)
        case (.resolved, .close(.staffOverride(let reason))):
            return isBlank(reason) ? refuse(.reasonRequired) : .success(.closed)
        case (.resolved, .reopen(let reason)), (.closed, .reopen(let reason)):
            return isBlank(reason) ? refuse(.reasonRequired) : .success(.reopened)
        case (.registered, .merge(let id)), (.routed, .merge(let id)), (.acknowledged, .merge(let id)),
            (.inProgress, .merge(let id)), (.waitingOnOwner, .merge(let id)), (.reopened, .merge(let id)):
            return isBlank(id) ? refuse(.reasonRequired) : .success(.merged)
        case (.registered, _), (.routed, _), (.acknowledged, _), (.inProgress, _), (.waitingOnOwner, _),
            (.resolved, _), (.closed, _), (.reopened, _), (.merged, _):
            return refuse()
        }
    }

    private static func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }
}
