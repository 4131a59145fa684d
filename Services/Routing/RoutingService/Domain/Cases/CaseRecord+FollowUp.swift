import CareLoopContracts
import Foundation

extension CaseRecord {
    /// Reflects a work-order change on the case (repair dispatch owns the work order; routing owns the case):
    ///
    /// - `assigned` → the repair has an owner: the case is acknowledged and in progress as needed, the technician
    ///   becomes the assignee and repair lead, `careloop.case.assigned`;
    /// - `contacted` or `scheduled` → the owner was contacted with a plan: the respond milestone is met (timeline only);
    /// - `completed` or `verified` → `careloop.case.resolved` (a second one is only noted); resolved is not closed;
    /// - `reopened` → a resolved or closed case is `careloop.case.reopened`;
    /// - anything else, or a change that does not fit the case's state, is noted on the timeline only.
    package mutating func reflect(_ workOrder: WorkOrderEventData, at instant: Date, rules: CaseRuleContext) {
        let actor = "repair_dispatch"
        var facts = ["work_order_id": workOrder.workOrderID, "work_order_status": workOrder.status.rawValue]
        if let technician = workOrder.technicianID { facts["technician_id"] = technician }
        if let vendor = workOrder.vendorID { facts["vendor_id"] = vendor }
        switch workOrder.status {
        case .assigned:
            guard let path = Self.pathToWork(from: state) else { break }
            do {
                try apply(path, at: instant, rules: rules)
            } catch {
                break
            }
            let person = workOrder.technicianID ?? workOrder.vendorID
            if let person {
                assignee = person
                repairLead = person
            }
            publish(
                .caseAssigned, action: "work_order_assigned", at: instant, actor: actor,
                reason: "repair work order \(workOrder.workOrderID) assigned" + (person.map { " to \($0)" } ?? ""), details: facts)
            return
        case .contacted, .scheduled:
            if state.runsClock, clock.target(.respond).metAt == nil {
                clock.meet(.respond, at: instant)
                note("work_order_\(workOrder.status.rawValue)", at: instant, actor: actor, details: facts.merging(["milestone_met": "respond"]) { $1 })
                return
            }
        case .completed, .verified:
            guard let path = Self.pathToResolved(from: state) else { break }
            do {
                try apply(path, at: instant, rules: rules)
            } catch {
                break
            }
            publish(
                .caseResolved, action: "resolved", at: instant, actor: actor,
                reason: "repair work order \(workOrder.workOrderID) \(workOrder.status.rawValue)", details: facts)
            return
        case .reopened:
            let reason = "repair work order \(workOrder.workOrderID) reopened: \(workOrder.reason ?? "no reason given")"
            guard state == .resolved || state == .closed else { break }
            do {
                try apply([.reopen(reason: reason)], at: instant, rules: rules)
            } catch {
                break
            }
            publish(.caseReopened, action: "reopened", at: instant, actor: actor, reason: reason, details: facts)
            return
        default:
            break
        }
        note("work_order_\(workOrder.status.rawValue)", at: instant, actor: actor, details: facts)
    }

    /// Applies a call-back survey answer: a score at or above `satisfiedScore` closes a resolved case
    /// (`careloop.case.closed`); a lower one reopens a resolved or closed case back to the repair lead
    /// (`careloop.case.reopened`). Anything else is noted only.
    package mutating func applyCallback(
        score: Int, surveyID: String, satisfiedScore: Int, at instant: Date, rules: CaseRuleContext
    ) {
        let facts = ["survey_id": surveyID, "score": "\(score)"]
        if score >= satisfiedScore, state == .resolved {
            try? apply([.close(.callbackDone)], at: instant, rules: rules)
            publish(
                .caseClosed, action: "closed", at: instant, actor: "survey",
                reason: "call-back satisfied (score \(score))", details: facts)
        } else if score < satisfiedScore, state == .resolved || state == .closed {
            let reason = "call-back unsatisfied (score \(score))" + (repairLead.map { ": back to repair lead \($0)" } ?? "")
            try? apply([.reopen(reason: reason)], at: instant, rules: rules)
            if let repairLead { assignee = repairLead }
            publish(.caseReopened, action: "reopened", at: instant, actor: "survey", reason: reason, details: facts)
        } else {
            note("callback_ignored", at: instant, actor: "survey", details: facts.merging(["state": state.rawValue]) { $1 })
        }
    }

    /// The transitions that put a case into work (in progress) from `state`; `[]` when it already is or waits on
    /// the owner; `nil` when the case is past work (resolved, closed, merged) or not yet routed.
    static func pathToWork(from state: CaseState) -> [CaseTransition]? {
        switch state {
        case .routed: [.acknowledge, .start]
        case .acknowledged, .reopened: [.start]
        case .inProgress, .waitingOnOwner: []
        case .registered, .resolved, .closed, .merged: nil
        }
    }

    /// The transitions that resolve a case from `state`; `nil` when it cannot be resolved (already resolved,
    /// closed, merged, or not yet routed).
    static func pathToResolved(from state: CaseState) -> [CaseTransition]? {
        switch state {
        case .routed: [.acknowledge, .start, .resolve]
        case .acknowledged, .reopened: [.start, .resolve]
        case .inProgress: [.resolve]
        case .waitingOnOwner: [.resumeFromOwner, .resolve]
        case .registered, .resolved, .closed, .merged: nil
        }
    }
}
