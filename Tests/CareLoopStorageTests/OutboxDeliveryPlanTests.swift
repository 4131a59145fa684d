import CareLoopStorage
import Testing

@Suite struct OutboxDeliveryPlanTests {
    struct Failure: Error {}

    let ok: Result<Void, any Error> = .success(())
    let failed: Result<Void, any Error> = .failure(Failure())

    @Test func marksEverythingWhenAllSucceed() {
        let plan = OutboxDeliveryPlan(rows: [(1, [1]), (2, nil), (3, [1])], results: [ok, ok, ok])
        #expect(plan.deliveredIDs == [1, 2, 3])
        #expect(plan.failed == 0)
        #expect(plan.heldBack == 0)
    }

    @Test func holdsBackSameKeySuccessorsOfAFailure() {
        let rows: [(id: Int64, key: [UInt8]?)] = [(1, [0xA]), (2, [0xB]), (3, [0xA]), (4, nil), (5, [0xA]), (6, [0xB])]
        let plan = OutboxDeliveryPlan(rows: rows, results: [failed, ok, ok, ok, failed, ok])
        #expect(plan.deliveredIDs == [2, 4, 6])
        #expect(plan.failed == 2)
        #expect(plan.heldBack == 1)
    }

    @Test func keylessFailuresBlockNothing() {
        let plan = OutboxDeliveryPlan(rows: [(1, nil), (2, nil)], results: [failed, ok])
        #expect(plan.deliveredIDs == [2])
    }

    @Test func emptyKeyIsAKeyLikeAnyOther() {
        let plan = OutboxDeliveryPlan(rows: [(1, []), (2, []), (3, nil)], results: [failed, ok, ok])
        #expect(plan.deliveredIDs == [3])
    }

    @Test func missingResultsCountAsFailures() {
        let plan = OutboxDeliveryPlan(rows: [(1, [1]), (2, [2]), (3, [1])], results: [ok])
        #expect(plan.deliveredIDs == [1])
        #expect(plan.failed == 2)
    }
}
