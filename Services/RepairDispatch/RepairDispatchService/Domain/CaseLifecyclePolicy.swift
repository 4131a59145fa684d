import CareLoopContracts

/// A change of a case (on `careloop.cases.v1`) that the case's work orders follow.
package enum CaseLifecycleChange: Hashable, Sendable {
    /// `careloop.case.closed`: a satisfied call-back, or staff closed the case with a reason (an override).
    case closed(reason: String?)
    /// `careloop.case.merged`: the case joined group incident `groupIncidentID`.
    case merged(groupIncidentID: String)
    /// `careloop.case.reopened`: an unsatisfied call-back, staff, or (echoed back) a reopened work order.
    case reopened(reason: String?)
}

/// What the decision needs to know of one of the case's work orders.
package struct CaseOrderSnapshot: Hashable, Sendable {
    package var workOrderID: String
    package var status: WorkOrderStatus
    /// When the work was (last) requested: the case's submission, or the reopening that restarted the order.
    package var requestedAt: Timestamp
    /// When the technician completed it, if they did.
    package var completedAt: Timestamp?
    /// Group incidents already recorded on the order.
    package var recordedMerges: Set<String>
    /// Whether the order already has an open `case_closed` escalation.
    package var closeEscalated: Bool

    /// Makes a snapshot.
    package init(
        workOrderID: String, status: WorkOrderStatus, requestedAt: Timestamp, completedAt: Timestamp? = nil,
        recordedMerges: Set<String> = [], closeEscalated: Bool = false
    ) {
        self.workOrderID = workOrderID
        self.status = status
        self.requestedAt = requestedAt
        self.completedAt = completedAt
        self.recordedMerges = recordedMerges
        self.closeEscalated = closeEscalated
    }

    /// Neither cancelled nor of a status this version does not know.
    var isLive: Bool { status != .cancelled }
    /// Work done: completed or verified.
    var isDone: Bool { status == .completed || status == .verified }
}

/// One thing to do to a case's work orders.
package enum CaseFollowUpStep: Hashable, Sendable {
    /// Cancel the order (`cancelled` with the case's reason): timers, offers, assignments and the visit end.
    case cancel(workOrderID: String)
    /// Work is under way on site and cannot be cancelled: escalate to the dispatcher (`case_closed`).
    case escalateClosedDuringWork(workOrderID: String)
    /// Note on the order that its case joined a group incident (no event, no state change).
    case recordMerge(workOrderID: String, groupIncidentID: String)
    /// Reopen the completed or verified order (`reopened`), back to the same technician when possible.
    case reopen(workOrderID: String)
    /// Open a new order for the case (it needs work and has no order that could be reopened).
    case openNew
}

/// How a case's work orders follow the case's own lifecycle: a pure decision over the orders' snapshots.
///
/// - **closed** (staff override or satisfied call-back): every order requested before the close that can still be
///   cancelled (opened, assigned, contacted, scheduled, parts_waiting, reopened) is cancelled; an order whose work
///   has started on site is escalated to the dispatcher instead (the state machine never cancels started work);
///   completed, verified and cancelled orders are left alone, so a satisfied call-back cancels nothing.
/// - **merged** into a group incident: the orders are kept (each household's repair still has to be done; the group
///   incident is handled by routing's one command line) and the merge is recorded on every order that is not
///   cancelled, once per incident.
/// - **reopened**: when an order is still in work nothing happens (this also absorbs the echo of a work order
///   reopened by repair dispatch itself, so the two services do not ping-pong); else the latest completed or
///   verified order is reopened, unless it was completed after the reopening (a stale or replayed event); a case
///   with no live order that needs work gets a new order, unless an order was already requested at or after the
///   reopening.
///
/// Each rule depends on the orders' state, so the same case event applied twice changes nothing the second time.
package enum CaseLifecyclePolicy {
    /// The steps for `change`, which happened at `occurredAt`, on the case's `orders`. `caseNeedsWork` says whether
    /// a new order may be opened on reopening.
    package static func steps(
        for change: CaseLifecycleChange, at occurredAt: Timestamp, orders: [CaseOrderSnapshot], caseNeedsWork: Bool
    ) -> [CaseFollowUpStep] {
        switch change {
        case .closed:
            return orders.filter { $0.requestedAt <= occurredAt }.compactMap { order in
                if WorkOrderLifecycle.allowedActions(in: order.status).contains(.cancel) { return .cancel(workOrderID: order.workOrderID) }
                if order.status.isKnown, order.isLive, !order.isDone, !order.closeEscalated {
                    return .escalateClosedDuringWork(workOrderID: order.workOrderID)
                }
                return nil
            }
        case .merged(let incident):
            return orders.filter { $0.isLive && !$0.recordedMerges.contains(incident) }.map {
                .recordMerge(workOrderID: $0.workOrderID, groupIncidentID: incident)
            }
        case .reopened:
            let live = orders.filter(\.isLive)
            if live.contains(where: { !$0.isDone }) { return [] }
            if let latest = live.max(by: { ($0.completedAt ?? $0.requestedAt) < ($1.completedAt ?? $1.requestedAt) }) {
                return (latest.completedAt ?? latest.requestedAt) <= occurredAt ? [.reopen(workOrderID: latest.workOrderID)] : []
            }
            guard caseNeedsWork, orders.allSatisfy({ $0.requestedAt < occurredAt }) else { return [] }
            return [.openNew]
        }
    }
}
