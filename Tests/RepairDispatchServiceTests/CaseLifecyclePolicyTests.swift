import CareLoopContracts
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("How work orders follow their case's lifecycle (pure decision)")
struct CaseLifecyclePolicyTests {
    static let t0 = Timestamp(DispatchTestBed.start)

    static func at(_ hours: Double) -> Timestamp { Timestamp(DispatchTestBed.start.addingTimeInterval(hours * 3600)) }

    static func order(
        _ status: WorkOrderStatus, id: String = "WO-1", requested: Double = 0, completed: Double? = nil, merges: Set<String> = [],
        closeEscalated: Bool = false
    ) -> CaseOrderSnapshot {
        CaseOrderSnapshot(
            workOrderID: id, status: status, requestedAt: at(requested), completedAt: completed.map(at), recordedMerges: merges,
            closeEscalated: closeEscalated)
    }

    static func steps(_ change: CaseLifecycleChange, at hours: Double = 10, _ orders: [CaseOrderSnapshot], needsWork: Bool = true)
        -> [CaseFollowUpStep]
    {
        CaseLifecyclePolicy.steps(for: change, at: at(hours), orders: orders, caseNeedsWork: needsWork)
    }

    @Test("closed: every order that can still be cancelled is cancelled", arguments: [
        WorkOrderStatus.opened, .assigned, .contacted, .scheduled, .partsWaiting, .reopened,
    ])
    func closeCancelsOpen(status: WorkOrderStatus) {
        #expect(Self.steps(.closed(reason: "owner withdrew"), [Self.order(status)]) == [.cancel(workOrderID: "WO-1")])
    }

    @Test("closed: completed, verified and cancelled orders are left alone (a satisfied call-back cancels nothing)", arguments: [
        WorkOrderStatus.completed, .verified, .cancelled,
    ])
    func closeLeavesDone(status: WorkOrderStatus) {
        #expect(Self.steps(.closed(reason: "call-back satisfied (score 5)"), [Self.order(status, completed: 2)]).isEmpty)
    }

    @Test("closed while work is under way on site: escalated once, never cancelled")
    func closeDuringWork() {
        #expect(Self.steps(.closed(reason: nil), [Self.order(.started)]) == [.escalateClosedDuringWork(workOrderID: "WO-1")])
        #expect(Self.steps(.closed(reason: nil), [Self.order(.started, closeEscalated: true)]).isEmpty, "a replay escalates nothing more")
        #expect(Self.steps(.closed(reason: nil), [Self.order(WorkOrderStatus(rawValue: "on_hold"))]).isEmpty, "unknown states are left alone")
    }

    @Test("closed: an order requested after the close (reopened since) is not cancelled by a stale close")
    func staleClose() {
        let orders = [Self.order(.cancelled, id: "WO-OLD", requested: 0), Self.order(.assigned, id: "WO-NEW", requested: 12)]
        #expect(Self.steps(.closed(reason: "x"), at: 10, orders).isEmpty)
        #expect(Self.steps(.closed(reason: "x"), at: 12, orders) == [.cancel(workOrderID: "WO-NEW")], "the same instant counts")
    }

    @Test("merged: orders are kept and the merge recorded once per incident on every order not cancelled")
    func merged() {
        let orders = [
            Self.order(.assigned, id: "WO-1"), Self.order(.completed, id: "WO-2", completed: 1), Self.order(.cancelled, id: "WO-3"),
            Self.order(.scheduled, id: "WO-4", merges: ["GI-1"]),
        ]
        #expect(Self.steps(.merged(groupIncidentID: "GI-1"), orders) == [
            .recordMerge(workOrderID: "WO-1", groupIncidentID: "GI-1"), .recordMerge(workOrderID: "WO-2", groupIncidentID: "GI-1"),
        ])
        #expect(Self.steps(.merged(groupIncidentID: "GI-2"), orders).count == 3, "another incident is recorded again")
    }

    @Test("reopened: the latest completed or verified order is reopened", arguments: [WorkOrderStatus.completed, .verified])
    func reopenDone(status: WorkOrderStatus) {
        let orders = [Self.order(.cancelled, id: "WO-OLD", requested: 0), Self.order(status, id: "WO-1", requested: 1, completed: 5)]
        #expect(Self.steps(.reopened(reason: "call-back unsatisfied"), orders) == [.reopen(workOrderID: "WO-1")])
    }

    @Test("reopened: an order still in work absorbs it (the echo of a work order reopened by repair dispatch)", arguments: [
        WorkOrderStatus.opened, .assigned, .contacted, .scheduled, .started, .partsWaiting, .reopened,
    ])
    func reopenWhileInWork(status: WorkOrderStatus) {
        #expect(Self.steps(.reopened(reason: "repair work order WO-1 reopened: leak is back"), [Self.order(status)]).isEmpty)
    }

    @Test("reopened: a replay after the order was completed again changes nothing")
    func staleReopen() {
        #expect(Self.steps(.reopened(reason: "x"), at: 10, [Self.order(.completed, completed: 11)]).isEmpty)
        #expect(Self.steps(.reopened(reason: "x"), at: 10, [Self.order(.completed, completed: 10)]) == [.reopen(workOrderID: "WO-1")])
    }

    @Test("reopened without a live order: a new one when the case needs work, once")
    func reopenOpensNew() {
        #expect(Self.steps(.reopened(reason: "x"), []) == [.openNew])
        #expect(Self.steps(.reopened(reason: "x"), [Self.order(.cancelled, requested: 0)]) == [.openNew])
        #expect(Self.steps(.reopened(reason: "x"), [], needsWork: false).isEmpty)
        let followed = [Self.order(.cancelled, id: "WO-OLD", requested: 0), Self.order(.cancelled, id: "WO-NEW", requested: 10)]
        #expect(Self.steps(.reopened(reason: "x"), at: 10, followed).isEmpty, "an order was already requested at this reopening")
    }

    @Test("the board sends a reopened order back to the preferred technician while suitable, else places it as usual")
    func boardPrefers() {
        let plumbers = ["TECH-P1", "TECH-P2"].map {
            Technician(id: $0, skills: [.plumbing], zones: [.project("SZ-FSG")], dailyCapacity: 1)
        }
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        let request = DispatchRequest(workOrderID: "WO-1", skill: .plumbing, project: "SZ-FSG", building: "12", due: Self.t0)
        func chosen(_ plan: DispatchPlan) -> (String, LocalDate)? {
            if case .planned(let technician, let day, _, _) = plan.outcome { return (technician.id, day) }
            return nil
        }
        var board = DispatchBoard(technicians: plumbers, horizonDays: 3)
        #expect(chosen(board.place(request, preferring: nil, today: today))?.0 == "TECH-P1", "without a preference: by id")
        var fresh = DispatchBoard(technicians: plumbers, horizonDays: 3)
        #expect(chosen(fresh.place(request, preferring: "TECH-P2", today: today))?.0 == "TECH-P2")
        let full = chosen(fresh.place(request, preferring: "TECH-P2", today: today))
        #expect(full?.0 == "TECH-P2" && full?.1 == today.adding(days: 1), "the preferred one's next day with room")
        var excluded = request
        excluded.excluded = ["TECH-P2"]
        #expect(chosen(fresh.place(excluded, preferring: "TECH-P2", today: today))?.0 == "TECH-P1", "excluded: placed as usual")
        var electrical = request
        electrical.skill = .electrical
        #expect(chosen(fresh.place(electrical, preferring: "TECH-P2", today: today)) == nil, "without the trade: as usual (nobody)")
        #expect(chosen(fresh.place(request, preferring: "TECH-GONE", today: today))?.0 == "TECH-P1", "off the roster: as usual")
    }
}
