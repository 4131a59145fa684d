import CareLoopContracts
import Foundation

/// A case event waiting to be written to the outbox with the change that caused it.
package struct PendingCaseEvent: Hashable, Sendable {
    /// `ce_id`: deterministic where a retry must not make a second event (routing, SLA timers, merges).
    package var id: String
    /// `ce_type`.
    package var type: EventType
    /// The case snapshot after the change.
    package var data: CaseEventData
}

/// One line of a case's routing timeline: who did what, when, and the event it published (if any).
package struct TimelineEntry: Hashable, Sendable {
    /// When it happened.
    package var at: Date
    /// A staff id, an API client, or `system`.
    package var actor: String
    /// What happened, e.g. `acknowledged`, `sla_warning`, `escalated`, `work_order_contacted`.
    package var action: String
    /// The event published for it, if any.
    package var eventType: EventType?
    /// That event's `ce_id`.
    package var eventID: String?
    /// The state before, when the entry is about the state.
    package var fromState: CaseState?
    /// The state after.
    package var toState: CaseState?
    /// Further facts: reason, deadline, level, department … (never an owner's name or phone).
    package var details: [String: String]
}

/// One escalation of a case: the level reached, the role alerted, who or what triggered it and why.
package struct EscalationRecord: Hashable, Sendable {
    /// The level reached (1-based).
    package var level: Int
    /// The role alerted at that level.
    package var role: String
    /// When.
    package var at: Date
    /// `system` or a staff id.
    package var actor: String
    /// Why, in words.
    package var reason: String
    /// What triggered it: `major`, `breach`, `group_incident` or `staff`.
    package var trigger: String
}

/// A staff or system action the case's state does not allow; the HTTP edge answers 409 naming the state.
package struct CaseActionRefused: Error, Hashable, Sendable, CustomStringConvertible {
    /// The case's state when the action was tried.
    package var state: CaseState
    /// The refused action, e.g. `resolve`.
    package var action: String
    /// `not_allowed` or `reason_required`.
    package var code: String
    /// A sentence for people.
    package var description: String

    /// A refusal from the state machine.
    package init(_ illegal: IllegalTransition) {
        self.init(state: illegal.state, action: illegal.action.name, code: illegal.code.rawValue, description: illegal.description)
    }

    /// A refusal of an action that is not a state transition (reassign, change category …).
    package init(state: CaseState, action: String, code: String = "not_allowed", description: String? = nil) {
        self.state = state
        self.action = action
        self.code = code
        self.description = description ?? "'\(action)' is not allowed in state '\(state.rawValue)'"
    }
}

extension CaseState {
    /// Whether SLA timers run in this state: not once the case is resolved, closed or merged.
    package var runsClock: Bool {
        switch self {
        case .resolved, .closed, .merged: false
        case .registered, .routed, .acknowledged, .inProgress, .waitingOnOwner, .reopened: true
        }
    }

    /// Whether the case is still open to being merged into a group incident or reassigned.
    package var isOpen: Bool {
        switch self {
        case .closed, .merged: false
        case .registered, .routed, .acknowledged, .inProgress, .waitingOnOwner, .resolved, .reopened: true
        }
    }
}
