import CareLoopContracts
import Foundation
import Testing

@testable import RoutingService

@Suite("Case record: routing, timers, escalation, staff actions, follow-ups")
struct CaseRecordTests {
    let rules: RoutingRules
    let start = RoutingFixtures.monday10
    let minute: TimeInterval = 60
    let hour: TimeInterval = 3600

    init() throws {
        rules = try RoutingFixtures.rules()
    }

    /// A property case on the 113 rule (24/7 calendar): acknowledge 1 h (warning 48 min), respond 24 h (19.2 h),
    /// resolve 72 h (57.6 h).
    func propertyCase(title: String = "Corridor light broken", kind: VoiceKind = .complaint) -> CaseRecord {
        RoutingFixtures.routed(
            RoutingFixtures.registered(title: title, description: "Nobody fixed it", kind: kind, categoryHint: "property.facilities"),
            rules: rules)
    }

    func context(_ record: CaseRecord) -> CaseRuleContext { rules.context(for: record) }

    @Test("routing publishes routed with the decision, arms six timers and needs a work order for repairs")
    func routed() throws {
        let record = RoutingFixtures.routed(RoutingFixtures.registered(kind: .repair, categoryHint: "property.facilities"), rules: rules)
        #expect(record.state == .routed)
        #expect(record.events.map(\.type) == [.caseRouted])
        let event = try #require(record.events.first)
        #expect(event.id == "\(record.data.caseID).routed")
        #expect(event.data.status == .routed && event.data.previousStatus == .registered)
        #expect(event.data.category == "property.facilities" && event.data.department == .propertyManagement)
        #expect(event.data.requiresWorkOrder == true)
        #expect(event.data.due.acknowledgeBy.date == start.addingTimeInterval(hour))
        #expect(record.escalations.isEmpty)
        #expect(record.wantedTimers.count == 6)
        #expect(record.wantedTimers.first == SLAClock.DueEvent(milestone: .acknowledge, kind: .warning, at: start.addingTimeInterval(48 * minute)))
        #expect(record.timeline.map(\.action) == ["routed"])
        #expect(propertyCase(kind: .complaint).data.requiresWorkOrder == false)
    }

    @Test("a major case escalates to the first level at once, after routed")
    func majorEscalatesAtOnce() throws {
        let record = propertyCase(title: "Gas leak in the corridor, strong smell of gas")
        #expect(record.data.severity == .major)
        #expect(record.events.map(\.type) == [.caseRouted, .caseEscalated])
        #expect(record.escalationLevel == 1)
        let escalation = try #require(record.escalations.first)
        #expect(escalation.role == "team_lead" && escalation.trigger == "major")
        #expect(record.events.last?.data.escalationLevel == 1)
        #expect(record.events.last?.data.reason?.contains("gas leak") == true)
    }

    @Test("a warning fires once when due; a breach fires once and escalates one level")
    func timersFireOnce() throws {
        var record = propertyCase()
        #expect(record.fireDueTimers(at: start.addingTimeInterval(47 * minute), rules: context(record)) == 0)
        #expect(record.fireDueTimers(at: start.addingTimeInterval(50 * minute), rules: context(record)) == 1)
        #expect(record.events.last?.type == .caseSLAWarning)
        #expect(record.events.last?.data.deadline == "acknowledge")
        #expect(record.fireDueTimers(at: start.addingTimeInterval(55 * minute), rules: context(record)) == 0, "not twice")
        #expect(record.fireDueTimers(at: start.addingTimeInterval(61 * minute), rules: context(record)) == 1)
        #expect(record.events.suffix(2).map(\.type) == [.caseSLABreached, .caseEscalated])
        #expect(record.events.suffix(2).first?.data.deadline == "acknowledge")
        #expect(record.escalationLevel == 1)
        #expect(record.firedTimers == [
            SLATimerKey(milestone: .acknowledge, kind: .warning), SLATimerKey(milestone: .acknowledge, kind: .breach),
        ])
        #expect(record.wantedTimers.count == 4, "respond and resolve still armed")
    }

    @Test("timers overdue after downtime fire in time order; each breach climbs one level, never past the top")
    func overdueInOrder() throws {
        var record = propertyCase()
        #expect(record.fireDueTimers(at: start.addingTimeInterval(100 * hour), rules: context(record)) == 6)
        let sla = record.events.filter { $0.type == .caseSLAWarning || $0.type == .caseSLABreached }
        #expect(sla.map(\.data.deadline) == ["acknowledge", "acknowledge", "respond", "respond", "resolve", "resolve"])
        #expect(record.escalations.map(\.level) == [1, 2, 3])
        #expect(Set(sla.map(\.id)).count == 6, "distinct, deterministic ids")

        var short = rules
        short.casePolicies.defaults.escalationChain = try #require(EscalationChain(roles: ["lead", "manager"]))
        var capped = propertyCase()
        capped.fireDueTimers(at: start.addingTimeInterval(100 * hour), rules: short.context(for: capped))
        #expect(capped.escalations.map(\.role) == ["lead", "manager"])
        #expect(capped.escalationLevel == 2)
    }

    @Test("waiting on the owner suspends the timers; resuming re-arms them shifted by the pause")
    func pauseAndResume() throws {
        var record = propertyCase()
        try record.perform(.acknowledge, by: "staff-7", at: start.addingTimeInterval(10 * minute), rules: context(record), routing: rules)
        #expect(record.wantedTimers.map(\.milestone) == [.respond, .respond, .resolve, .resolve])
        try record.perform(.waitOnOwner(reason: "owner abroad"), by: "staff-7", at: start.addingTimeInterval(hour), rules: context(record), routing: rules)
        #expect(record.state == .waitingOnOwner)
        #expect(record.wantedTimers.isEmpty, "nothing was due before the pause")
        #expect(record.fireDueTimers(at: start.addingTimeInterval(30 * hour), rules: context(record)) == 0, "no breach while paused")
        try record.perform(.resume, by: "staff-7", at: start.addingTimeInterval(3 * hour), rules: context(record), routing: rules)
        let respondWarning = try #require(record.wantedTimers.first)
        #expect(respondWarning.milestone == .respond && respondWarning.kind == .warning)
        #expect(respondWarning.at == start.addingTimeInterval(19.2 * hour + 2 * hour))
        #expect(record.events.map(\.type) == [.caseRouted, .caseAssigned, .caseAssigned, .caseAssigned])
        #expect(record.events.last?.data.due.respondBy.date == start.addingTimeInterval(26 * hour))
    }

    @Test("resolving disarms the timers; reopening runs the resolve clock again from the reopening")
    func reopenRestartsResolve() throws {
        var record = propertyCase()
        try record.perform(.acknowledge, by: "s", at: start.addingTimeInterval(minute), rules: context(record), routing: rules)
        try record.perform(.resolve(reason: "light replaced"), by: "s", at: start.addingTimeInterval(2 * hour), rules: context(record), routing: rules)
        #expect(record.state == .resolved)
        #expect(record.wantedTimers.isEmpty)
        try record.perform(.reopen(reason: "flickers again"), by: "s", at: start.addingTimeInterval(5 * hour), rules: context(record), routing: rules)
        #expect(record.state == .reopened)
        #expect(record.wantedTimers == [
            SLAClock.DueEvent(milestone: .resolve, kind: .warning, at: start.addingTimeInterval(5 * hour + 57.6 * hour)),
            SLAClock.DueEvent(milestone: .resolve, kind: .breach, at: start.addingTimeInterval(5 * hour + 72 * hour)),
        ])
        #expect(record.events.map(\.type) == [.caseRouted, .caseAssigned, .caseResolved, .caseReopened])
    }

    @Test("an illegal staff action is refused naming the current state and changes nothing")
    func illegalActions() throws {
        var record = propertyCase()
        let before = record.events.count
        #expect(throws: StaffActionError.refused(CaseActionRefused(state: .routed, action: "resolve"))) {
            try record.perform(.resolve(reason: nil), by: "s", at: start, rules: context(record), routing: rules)
        }
        #expect {
            try record.perform(.close(reason: "owner unreachable"), by: "s", at: start, rules: context(record), routing: rules)
        } throws: { error in
            guard case .refused(let refusal) = error as? StaffActionError else { return false }
            return refusal.state == .routed && refusal.action == "close"
        }
        #expect(record.state == .routed && record.events.count == before)
    }

    @Test("changing the category moves the department and the work-order need; an unknown category is invalid")
    func changeCategory() throws {
        var record = RoutingFixtures.routed(
            RoutingFixtures.registered(title: "卫生间漏水", description: "天花板渗水", kind: .complaint), rules: rules)
        #expect(record.data.category == "engineering.leakage" && record.data.requiresWorkOrder == true)
        try record.perform(
            .changeCategory(category: "planning_design.layout", reason: "it is the layout"), by: "s", at: start,
            rules: context(record), routing: rules)
        #expect(record.data.department == .planningDesign)
        #expect(record.data.requiresWorkOrder == false)
        #expect(record.events.last?.type == .caseRouted && record.events.last?.data.reason == "it is the layout")
        #expect(throws: StaffActionError.self) {
            try record.perform(.changeCategory(category: "nonsense.x", reason: "r"), by: "s", at: start, rules: context(record), routing: rules)
        }
    }

    @Test("raising the severity to major escalates at once")
    func changeSeverity() throws {
        var record = propertyCase()
        try record.perform(.changeSeverity(severity: .major, reason: "media involved"), by: "s", at: start, rules: context(record), routing: rules)
        #expect(record.data.severity == .major)
        #expect(record.events.suffix(2).map(\.type) == [.caseRouted, .caseEscalated])
        #expect(record.escalations.map(\.trigger) == ["staff"])
    }

    @Test("a work order assigned, completed and verified moves the case to in progress and resolved, not closed")
    func workOrderFollowUp() throws {
        var record = RoutingFixtures.routed(RoutingFixtures.registered(kind: .repair), rules: rules)
        func workOrder(_ status: WorkOrderStatus) -> WorkOrderEventData {
            WorkOrderEventData(
                workOrderID: "WO-1", caseID: record.data.caseID, status: status, skill: "plumbing", technicianID: "TECH-311",
                property: record.data.property, occurredAt: Timestamp(start))
        }
        record.reflect(workOrder(.assigned), at: start.addingTimeInterval(minute), rules: context(record))
        #expect(record.state == .inProgress)
        #expect(record.assignee == "TECH-311" && record.repairLead == "TECH-311")
        #expect(record.clock.target(.acknowledge).metAt != nil)
        record.reflect(workOrder(.completed), at: start.addingTimeInterval(hour), rules: context(record))
        #expect(record.state == .resolved)
        record.reflect(workOrder(.verified), at: start.addingTimeInterval(2 * hour), rules: context(record))
        #expect(record.state == .resolved)
        #expect(record.events.map(\.type) == [.caseRouted, .caseAssigned, .caseResolved], "verified after completed publishes nothing")
        #expect(record.timeline.last?.action == "work_order_verified")
    }

    @Test("a satisfied call-back closes a resolved case; an unsatisfied one reopens it to the repair lead")
    func callbacks() throws {
        func resolvedCase() -> CaseRecord {
            var record = RoutingFixtures.routed(RoutingFixtures.registered(kind: .repair), rules: rules)
            record.reflect(
                WorkOrderEventData(
                    workOrderID: "WO-1", caseID: record.data.caseID, status: .assigned, skill: "plumbing", technicianID: "TECH-9",
                    property: record.data.property, occurredAt: Timestamp(start)), at: start, rules: rules.context(for: record))
            try? record.perform(.resolve(reason: "fixed"), by: "s", at: start.addingTimeInterval(hour), rules: rules.context(for: record), routing: rules)
            return record
        }
        var satisfied = resolvedCase()
        #expect(satisfied.state == .resolved)
        satisfied.applyCallback(score: 4, surveyID: "SV-1", satisfiedScore: 4, at: start.addingTimeInterval(30 * hour), rules: context(satisfied))
        #expect(satisfied.state == .closed && satisfied.events.last?.type == .caseClosed)

        var unhappy = resolvedCase()
        unhappy.assignee = "someone-else"
        unhappy.applyCallback(score: 3, surveyID: "SV-2", satisfiedScore: 4, at: start.addingTimeInterval(30 * hour), rules: context(unhappy))
        #expect(unhappy.state == .reopened && unhappy.events.last?.type == .caseReopened)
        #expect(unhappy.assignee == "TECH-9")
        #expect(unhappy.events.last?.data.reason?.contains("TECH-9") == true)

        var open = propertyCase()
        open.applyCallback(score: 5, surveyID: "SV-3", satisfiedScore: 4, at: start, rules: context(open))
        #expect(open.state == .routed && open.events.count == 1, "a call-back before resolution changes nothing")
    }

    @Test("merging into a group incident publishes merged, raises the severity and escalates to the top; timers stop")
    func merge() throws {
        var record = propertyCase()
        try record.merge(into: "GI-1", commander: "principal", at: start, rules: context(record), reason: "5 owners")
        #expect(record.state == .merged)
        #expect(record.events.suffix(2).map(\.type) == [.caseMerged, .caseEscalated])
        let merged = try #require(record.events.first { $0.type == .caseMerged })
        #expect(merged.data.groupIncidentID == "GI-1" && merged.data.severity == .groupIncident)
        #expect(record.escalationLevel == 4)
        #expect(record.wantedTimers.isEmpty)
        #expect(throws: CaseActionRefused.self) {
            try record.merge(into: "GI-2", commander: "principal", at: start, rules: context(record), reason: "again")
        }
    }
}
