import CareLoopContracts
import Testing

@testable import RoutingService

@Suite("Case state machine")
struct CaseStateMachineTests {
    /// Every action tried from every state, including the reason-less variants that must be refused.
    static let actions: [CaseTransition] = [
        .route, .acknowledge, .start, .waitOnOwner, .resumeFromOwner, .resolve,
        .close(.callbackDone), .close(.staffOverride(reason: "owner abroad, unreachable")),
        .close(.staffOverride(reason: "  ")), .reopen(reason: "tap still drips"), .reopen(reason: ""),
        .merge(groupIncidentID: "GI-2026-0001"), .merge(groupIncidentID: ""),
    ]

    enum Outcome: Equatable, Sendable {
        case to(CaseState)
        case illegal
        case reasonRequired
    }

    /// Expected outcome per state, one entry per element of `actions`, in the same order.
    static let table: [CaseState: [Outcome]] = {
        let x = Outcome.illegal
        let r = Outcome.reasonRequired
        let merged = Outcome.to(.merged)
        return [
            //               route            ack                  start             wait                    resume            resolve          close cb        close ovr       close blank reopen          reopen ""  merge   merge ""
            .registered:     [.to(.routed),   x,                   x,                x,                      x,                x,               x,              x,              x,          x,              x,         merged, r],
            .routed:         [x,              .to(.acknowledged),  x,                x,                      x,                x,               x,              x,              x,          x,              x,         merged, r],
            .acknowledged:   [x,              x,                   .to(.inProgress), .to(.waitingOnOwner),   x,                x,               x,              x,              x,          x,              x,         merged, r],
            .inProgress:     [x,              x,                   x,                .to(.waitingOnOwner),   x,                .to(.resolved),  x,              x,              x,          x,              x,         merged, r],
            .waitingOnOwner: [x,              x,                   x,                x,                      .to(.inProgress), x,               x,              x,              x,          x,              x,         merged, r],
            .resolved:       [x,              x,                   x,                x,                      x,                x,               .to(.closed),   .to(.closed),   r,          .to(.reopened), r,         x,      x],
            .closed:         [x,              x,                   x,                x,                      x,                x,               x,              x,              x,          .to(.reopened), r,         x,      x],
            .reopened:       [x,              x,                   .to(.inProgress), x,                      x,                x,               x,              x,              x,          x,              x,         merged, r],
            .merged:         [x,              x,                   x,                x,                      x,                x,               x,              x,              x,          x,              x,         x,      x],
        ]
    }()

    @Test("the table covers every state and every action")
    func tableIsComplete() {
        #expect(Set(Self.table.keys) == Set(CaseState.allCases))
        #expect(Self.table.values.allSatisfy { $0.count == Self.actions.count })
    }

    @Test("every (state, action) pair is legal or illegal exactly as the table says",
          arguments: CaseState.allCases, Array(actions.indices))
    func transition(state: CaseState, actionIndex: Int) throws {
        let action = Self.actions[actionIndex]
        let expected = try #require(Self.table[state])[actionIndex]
        let result = CaseStateMachine.apply(action, to: state)
        switch (expected, result) {
        case (.to(let target), .success(let next)):
            #expect(next == target)
        case (.illegal, .failure(let error)):
            #expect(error == IllegalTransition(state: state, action: action, code: .notAllowed))
            #expect(error.description.contains(state.rawValue))
            #expect(error.description.contains(action.name))
        case (.reasonRequired, .failure(let error)):
            #expect(error == IllegalTransition(state: state, action: action, code: .reasonRequired))
        default:
            Issue.record("\(state) + \(action.name): expected \(expected), got \(result)")
        }
    }

    @Test("a whole closed loop with a reopening reaches closed")
    func happyPathWithReopen() throws {
        var state = CaseState.registered
        let steps: [CaseTransition] = [
            .route, .acknowledge, .start, .waitOnOwner, .resumeFromOwner, .resolve, .close(.callbackDone),
            .reopen(reason: "leak is back"), .start, .resolve, .close(.callbackDone),
        ]
        for step in steps { state = try CaseStateMachine.apply(step, to: state).get() }
        #expect(state == .closed)
    }

    @Test("states map to and from the contract's case status")
    func statusMapping() {
        for state in CaseState.allCases { #expect(CaseState(status: state.status) == state) }
        #expect(CaseState.inProgress.status == .inProgress)
        #expect(CaseState.waitingOnOwner.status == .waitingOnOwner)
        #expect(CaseState(status: "archived") == nil)
    }
}
