/// An action on a case; `CaseStateMachine` says where it leads from each state.
package enum CaseTransition: Hashable, Sendable {
    /// How a case may be closed.
    package enum Closure: Hashable, Sendable {
        /// The owner was called back (the normal way).
        case callbackDone
        /// Closed without a call-back; staff must give a non-empty reason.
        case staffOverride(reason: String)
    }

    /// Set category, severity, department and deadlines.
    case route
    /// The department acknowledges the case.
    case acknowledge
    /// Work starts (also after a reopening).
    case start
    /// Work waits on the owner; clocks pause.
    case waitOnOwner
    /// The owner answered; work resumes.
    case resumeFromOwner
    /// The issue is resolved.
    case resolve
    /// The case is closed.
    case close(Closure)
    /// The owner was not satisfied: open again, with a non-empty reason.
    case reopen(reason: String)
    /// The case joins a group incident (non-empty id).
    case merge(groupIncidentID: String)

    /// The action's name for errors and problem+json, e.g. `close`.
    package var name: String {
        switch self {
        case .route: "route"
        case .acknowledge: "acknowledge"
        case .start: "start"
        case .waitOnOwner: "wait_on_owner"
        case .resumeFromOwner: "resume_from_owner"
        case .resolve: "resolve"
        case .close: "close"
        case .reopen: "reopen"
        case .merge: "merge"
        }
    }
}
