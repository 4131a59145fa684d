import CareLoopContracts
import Testing

@testable import RepairDispatchService

@Suite("Work-order state machine")
struct WorkOrderLifecycleTests {
    /// Every allowed transition; every (state, action) pair not listed must be refused with `not_allowed`.
    static let allowed: [WorkOrderStatus: [WorkOrderAction: WorkOrderStatus]] = [
        .opened: [.assign: .assigned, .cancel: .cancelled],
        .assigned: [.assign: .assigned, .contact: .contacted, .cancel: .cancelled],
        .contacted: [.assign: .assigned, .schedule: .scheduled, .cancel: .cancelled],
        .scheduled: [
            .assign: .assigned, .schedule: .scheduled, .markNoShow: .contacted, .start: .started, .cancel: .cancelled,
        ],
        .started: [.waitForParts: .partsWaiting, .complete: .completed],
        .partsWaiting: [.schedule: .scheduled, .resume: .started, .cancel: .cancelled],
        .completed: [.verify: .verified, .reopen: .reopened],
        .verified: [.reopen: .reopened],
        .reopened: [.assign: .assigned, .cancel: .cancelled],
        .cancelled: [:],
    ]

    @Test("the table covers every contract status")
    func tableCoversContract() {
        #expect(Set(Self.allowed.keys) == Set(WorkOrderStatus.known))
    }

    @Test("every (state, action) pair", arguments: WorkOrderStatus.known, WorkOrderAction.allCases)
    func transition(state: WorkOrderStatus, action: WorkOrderAction) {
        let result = WorkOrderLifecycle.apply(action, to: state)
        if let expected = Self.allowed[state]?[action] {
            #expect(result == .success(expected))
        } else {
            #expect(result == .failure(IllegalTransition(current: state, action: action, code: .notAllowed)))
            if case .failure(let error) = result {
                #expect(error.description == "cannot \(action.rawValue) a work order that is \(state.rawValue)")
            }
        }
    }

    @Test(
        "out of warranty, booking a visit needs an accepted quote",
        arguments: [WorkOrderStatus.contacted, .scheduled, .partsWaiting])
    func quoteRule(state: WorkOrderStatus) {
        #expect(
            WorkOrderLifecycle.apply(.schedule, to: state, quote: .awaitingAcceptance)
                == .failure(IllegalTransition(current: state, action: .schedule, code: .quoteNotAccepted)))
        #expect(WorkOrderLifecycle.apply(.schedule, to: state, quote: .accepted) == .success(.scheduled))
        #expect(WorkOrderLifecycle.apply(.schedule, to: state, quote: .notRequired) == .success(.scheduled))
    }

    @Test("the quote rule does not block other actions or turn a refusal into a quote error")
    func quoteRuleScope() {
        #expect(WorkOrderLifecycle.apply(.contact, to: .assigned, quote: .awaitingAcceptance) == .success(.contacted))
        #expect(WorkOrderLifecycle.apply(.cancel, to: .contacted, quote: .awaitingAcceptance) == .success(.cancelled))
        #expect(
            WorkOrderLifecycle.apply(.schedule, to: .opened, quote: .awaitingAcceptance)
                == .failure(IllegalTransition(current: .opened, action: .schedule, code: .notAllowed)))
    }

    @Test("an unknown state refuses every action")
    func unknownState() {
        for action in WorkOrderAction.allCases {
            #expect(
                WorkOrderLifecycle.apply(action, to: "on_hold")
                    == .failure(IllegalTransition(current: "on_hold", action: action, code: .unknownState)))
        }
    }

    @Test("a full repair walks the happy path")
    func happyPath() throws {
        var state = WorkOrderStatus.opened
        for action in [WorkOrderAction.assign, .contact, .schedule, .start, .waitForParts, .resume, .complete, .verify] {
            state = try WorkOrderLifecycle.apply(action, to: state, quote: .accepted).get()
        }
        #expect(state == .verified)
        #expect(WorkOrderLifecycle.allowedActions(in: .verified) == [.reopen])
    }
}
