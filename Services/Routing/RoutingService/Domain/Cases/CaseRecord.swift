import CareLoopContracts
import Foundation

/// The rules that apply to one case: its city's calendar, its time rule's SLA policy and its scope's case policy.
package struct CaseRuleContext: Sendable {
    /// The business calendar of the case's city.
    package var calendar: BusinessCalendar
    /// The SLA policy of the case's time rule.
    package var slaPolicy: SLAPolicy
    /// Group-incident thresholds, commander and escalation chain of the case's city and project.
    package var policy: CasePolicy

    /// A context with every part given.
    package init(calendar: BusinessCalendar, slaPolicy: SLAPolicy, policy: CasePolicy) {
        self.calendar = calendar
        self.slaPolicy = slaPolicy
        self.policy = policy
    }
}

/// Routing's view of one case, as stored, plus the effects of the changes made to it since it was loaded: events
/// to publish, timeline entries and escalations. Pure: the storage layer loads it, the domain methods change it,
/// and the storage layer writes it back with its effects in one transaction.
package struct CaseRecord: Sendable {
    /// The case id.
    package let caseID: UUID
    /// Where the case stands.
    package var state: CaseState
    /// The data of the last event published for the case: the base of the next one.
    package var data: CaseEventData
    /// The SLA clock.
    package var clock: SLAClock
    /// The time rule the clock runs on.
    package var timeRule: TimeRule
    /// The escalation level reached (0 = not escalated).
    package var escalationLevel: Int
    /// The person the case is assigned to, if any.
    package var assignee: String?
    /// The technician of the case's repair work order, once one is assigned (call-backs that fail go back to them).
    package var repairLead: String?
    /// Whether the complaint counts as valid, and who decided.
    package var validity: ComplaintValidity?
    /// When the case was registered.
    package let registeredAt: Date

    /// Events to publish, in order.
    package private(set) var events: [PendingCaseEvent] = []
    /// Timeline entries to append, in order.
    package private(set) var timeline: [TimelineEntry] = []
    /// Escalations to record.
    package private(set) var escalations: [EscalationRecord] = []

    /// A stored case.
    package init(
        caseID: UUID, state: CaseState, data: CaseEventData, clock: SLAClock, timeRule: TimeRule, escalationLevel: Int,
        assignee: String? = nil, repairLead: String? = nil, validity: ComplaintValidity? = nil, registeredAt: Date
    ) {
        self.caseID = caseID
        self.state = state
        self.data = data
        self.clock = clock
        self.timeRule = timeRule
        self.escalationLevel = escalationLevel
        self.assignee = assignee
        self.repairLead = repairLead
        self.validity = validity
        self.registeredAt = registeredAt
    }

    /// Whether anything changed that must be written.
    package var hasEffects: Bool { !events.isEmpty || !timeline.isEmpty || !escalations.isEmpty }

    // MARK: Events and timeline

    /// Publishes the case's current state as an event of `type` and records it on the timeline.
    ///
    /// The event's data is the last snapshot with the new status, the status before, the current deadlines and
    /// escalation level, and this change's actor and reason; `deadline` only on SLA events.
    package mutating func publish(
        _ type: EventType, action: String, at instant: Date, actor: String, reason: String? = nil, deadline: String? = nil,
        id: String? = nil, details: [String: String] = [:]
    ) {
        let before = CaseState(status: data.status)
        var next = data
        next.previousStatus = data.status
        next.status = state.status
        next.occurredAt = Timestamp(instant)
        next.actor = actor
        next.reason = reason.map { String($0.prefix(1000)) }
        next.deadline = deadline
        next.escalationLevel = escalationLevel > 0 ? escalationLevel : nil
        next.due = CaseDeadlines(
            acknowledgeBy: Timestamp(clock.target(.acknowledge).deadline), respondBy: Timestamp(clock.target(.respond).deadline),
            resolveBy: Timestamp(clock.target(.resolve).deadline))
        data = next
        let eventID = id ?? "\(caseID.uuidString.lowercased()).\(type.action).\(UUID().uuidString.lowercased())"
        events.append(PendingCaseEvent(id: eventID, type: type, data: next))
        var facts = details
        if let reason { facts["reason"] = reason }
        if let deadline { facts["deadline"] = deadline }
        timeline.append(
            TimelineEntry(
                at: instant, actor: actor, action: action, eventType: type, eventID: eventID, fromState: before,
                toState: state, details: facts))
    }

    /// Records a fact on the timeline that publishes no event (a work order contacted the owner, a call-back that
    /// changed nothing …).
    package mutating func note(_ action: String, at instant: Date, actor: String, details: [String: String] = [:]) {
        timeline.append(
            TimelineEntry(
                at: instant, actor: actor, action: action, eventType: nil, eventID: nil, fromState: state, toState: state,
                details: details))
    }

    // MARK: Transitions

    /// Applies `transitions` in order through the state machine, with their effect on the SLA clock: acknowledging
    /// meets the acknowledge milestone, starting work meets respond, resolving meets resolve, waiting on the owner
    /// pauses the clock and resuming shifts the deadlines, reopening runs the resolve milestone again.
    /// All or nothing: on a refusal the record is unchanged.
    package mutating func apply(_ transitions: [CaseTransition], at instant: Date, rules: CaseRuleContext) throws(CaseActionRefused) {
        var state = self.state
        var clock = self.clock
        for transition in transitions {
            switch CaseStateMachine.apply(transition, to: state) {
            case .success(let next): state = next
            case .failure(let illegal): throw CaseActionRefused(illegal)
            }
            switch transition {
            case .acknowledge: clock.meet(.acknowledge, at: instant)
            case .start: clock.meet(.respond, at: instant)
            case .resolve: clock.meet(.resolve, at: instant)
            case .waitOnOwner: clock.pause(at: instant)
            case .resumeFromOwner: clock.resume(at: instant, calendar: rules.calendar)
            case .reopen: clock.restart(.resolve, at: instant, policy: rules.slaPolicy, calendar: rules.calendar)
            case .route, .close, .merge: break
            }
        }
        self.state = state
        self.clock = clock
    }

    // MARK: Escalation

    /// Escalates to `step` (when above the current level): records it and publishes `careloop.case.escalated`.
    /// Returns whether the level rose.
    @discardableResult
    package mutating func escalate(to step: EscalationStep, at instant: Date, actor: String, reason: String, trigger: String) -> Bool {
        guard step.level > escalationLevel else { return false }
        escalationLevel = step.level
        escalations.append(EscalationRecord(level: step.level, role: step.role, at: instant, actor: actor, reason: reason, trigger: trigger))
        publish(
            .caseEscalated, action: "escalated", at: instant, actor: actor, reason: reason,
            details: ["level": "\(step.level)", "role": step.role, "trigger": trigger])
        return true
    }

    // MARK: Group incidents

    /// Merges the case into group incident `incidentID`: severity `group_incident`, `careloop.case.merged`, then an
    /// escalation to the top of the chain (the principal appears at once) naming the commander.
    package mutating func merge(
        into incidentID: String, commander: String, at instant: Date, rules: CaseRuleContext, reason: String
    ) throws(CaseActionRefused) {
        try apply([.merge(groupIncidentID: incidentID)], at: instant, rules: rules)
        data.groupIncidentID = incidentID
        data.severity = .groupIncident
        publish(
            .caseMerged, action: "merged", at: instant, actor: "system", reason: reason,
            id: "\(caseID.uuidString.lowercased()).merged",
            details: ["group_incident_id": incidentID, "commander": commander])
        escalate(
            to: rules.policy.escalationChain.top, at: instant, actor: "system",
            reason: "group incident \(incidentID): commander \(commander)", trigger: "group_incident")
    }
}
