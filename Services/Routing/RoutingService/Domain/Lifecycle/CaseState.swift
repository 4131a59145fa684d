import CareLoopContracts

/// Where a case stands in the closed loop; the routing service's exhaustive view of `CaseStatus`.
package enum CaseState: String, CaseIterable, Hashable, Sendable, Codable {
    /// Opened from a submission, not yet routed.
    case registered
    /// Category, severity, department and deadlines set.
    case routed
    /// The responsible department acknowledged it.
    case acknowledged
    /// Being handled.
    case inProgress = "in_progress"
    /// Waiting for the owner; deadline clocks pause.
    case waitingOnOwner = "waiting_on_owner"
    /// Resolved; call-back pending.
    case resolved
    /// Closed after the call-back (or a staff override).
    case closed
    /// Opened again after resolution or closure; work restarts with `start`.
    case reopened
    /// Merged into a group incident; terminal for this case.
    case merged

    /// The contract's status for this state.
    package var status: CaseStatus { CaseStatus(rawValue: rawValue) }

    /// The state for a contract status; `nil` for a status this version does not know.
    package init?(status: CaseStatus) {
        self.init(rawValue: status.rawValue)
    }
}
