/// Where a case stands in its closed loop (registered → … → closed).
package struct CaseStatus: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Opened from a submission, not yet routed.
    package static let registered: CaseStatus = "registered"
    /// Category, severity, department and deadlines set.
    package static let routed: CaseStatus = "routed"
    /// The responsible department acknowledged it.
    package static let acknowledged: CaseStatus = "acknowledged"
    /// Being handled.
    package static let inProgress: CaseStatus = "in_progress"
    /// Waiting for the owner; deadline clocks pause.
    package static let waitingOnOwner: CaseStatus = "waiting_on_owner"
    /// The issue is resolved; call-back pending.
    package static let resolved: CaseStatus = "resolved"
    /// Closed after the call-back.
    package static let closed: CaseStatus = "closed"
    /// Opened again after resolution or closure.
    package static let reopened: CaseStatus = "reopened"
    /// Merged into a group incident.
    package static let merged: CaseStatus = "merged"

    /// Every value of contract v1, in contract order.
    package static let known: [CaseStatus] = [
        .registered, .routed, .acknowledged, .inProgress, .waitingOnOwner, .resolved, .closed, .reopened, .merged,
    ]
}
