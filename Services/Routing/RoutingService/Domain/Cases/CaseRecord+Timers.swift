import CareLoopContracts
import Foundation

/// The key of one SLA timer of a case: which deadline, warning or breach.
package struct SLATimerKey: Hashable, Sendable {
    /// `acknowledge`, `respond` or `resolve`.
    package var milestone: SLAPolicy.Milestone
    /// `warning` or `breach`.
    package var kind: SLAClock.DueEvent.Kind

    /// A key.
    package init(milestone: SLAPolicy.Milestone, kind: SLAClock.DueEvent.Kind) {
        self.milestone = milestone
        self.kind = kind
    }
}

extension CaseRecord {
    /// The timers the timer table must hold unfired for this case: every pending warning and breach of its clock,
    /// none once the case is resolved, closed or merged; while paused, only those due before the pause.
    package var wantedTimers: [SLAClock.DueEvent] {
        state.runsClock ? clock.pendingTimers() : []
    }

    /// The timers this case's clock has published (their rows are marked fired).
    package var firedTimers: [SLATimerKey] {
        clock.targets.flatMap { target in
            [(target.warningFired, SLAClock.DueEvent.Kind.warning), (target.breachFired, .breach)]
                .filter(\.0).map { SLATimerKey(milestone: target.milestone, kind: $0.1) }
        }
    }

    /// Publishes every warning and breach due at `now` (due by `dueThrough` too, when given), earliest first, each
    /// once: `careloop.case.sla_warning` or `careloop.case.sla_breached` with `deadline` set, and after each breach
    /// one escalation level up the chain. Returns how many timers fired.
    ///
    /// The timer worker passes the latest due time it claimed as `dueThrough`: a case's timers due after it wait
    /// for the batch whose claim reaches them, so firing never runs ahead of the claims.
    @discardableResult
    package mutating func fireDueTimers(at now: Date, dueThrough: Date? = nil, rules: CaseRuleContext) -> Int {
        guard state.runsClock else { return 0 }
        let due = clock.dueEvents(at: min(now, dueThrough ?? now))
        let caseKey = caseID.uuidString.lowercased()
        for event in due {
            let milestone = event.milestone.rawValue
            let dueAt = Timestamp(event.at).rfc3339
            let millis = Int64((event.at.timeIntervalSince1970 * 1000).rounded())
            switch event.kind {
            case .warning:
                publish(
                    .caseSLAWarning, action: "sla_warning", at: now, actor: "system",
                    reason: "\(milestone) deadline near: warning due \(dueAt)", deadline: milestone,
                    id: "\(caseKey).sla_warning.\(milestone).\(millis)")
            case .breach:
                publish(
                    .caseSLABreached, action: "sla_breached", at: now, actor: "system",
                    reason: "\(milestone) deadline passed at \(dueAt)", deadline: milestone,
                    id: "\(caseKey).sla_breached.\(milestone).\(millis)")
                if let step = rules.policy.escalationChain.step(above: escalationLevel) {
                    escalate(
                        to: step, at: now, actor: "system", reason: "\(milestone) deadline breached at \(dueAt)",
                        trigger: "breach")
                }
            }
        }
        clock.markFired(due)
        return due.count
    }
}
