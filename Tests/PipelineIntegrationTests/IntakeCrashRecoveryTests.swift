import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Synchronization
import Testing

/// `careloop-intake` killed with SIGKILL in the middle of batches, on both paths, and restarted: every submission
/// registered exactly once, every inspection batch whole (all its defects or none, at any moment), nothing doubled.
@Suite("Intake killed mid-batch and restarted: nothing lost, nothing doubled", .serialized, .timeLimit(.minutes(6)))
struct IntakeCrashRecoveryTests {
    @Test("topic: 60 inspection batches of 40 defects and 300 single voices, SIGKILL while registering, restart")
    func topicPath() async throws {
        let (batches, defects, singles) = (60, 40, 300)
        // Small consumer batches and outbox batches, so the kill lands between and inside transactions.
        let tuning = ["CARELOOP_KAFKA_CONSUMER_MAX_BATCH": "7", "CARELOOP_OUTBOX_BATCH_SIZE": "50"]
        try await IntakeProcessStack.with("topic", tuning: tuning) { stack in
            try await stack.start()
            var records = (0..<batches).map { stack.submissionRecord(inspectionBatchBody(unit: $0, defects: defects), id: "unit-\($0)") }
            records += (0..<singles).map {
                stack.submissionRecord(singleVoiceBody(unit: 10_000 + $0), id: "single-\($0)", source: "crm://acme/hotline")
            }
            records.shuffle()
            let reports = await stack.producer.send(records)
            #expect(reports.allSatisfy { (try? $0.get()) != nil })
            let total = batches * defects + singles
            _ = await eventually(timeout: .seconds(60)) { await stack.integer("SELECT count(*) FROM $schema.cases") >= total / 4 }
            stack.kill9()
            let atKill = await stack.integer("SELECT count(*) FROM $schema.cases")
            let partialAtKill = await stack.integer(
                "SELECT count(*) FROM (SELECT external_id FROM $schema.cases WHERE external_id LIKE 'unit-%' GROUP BY external_id HAVING count(*) <> \(defects)) p")
            #expect(atKill > 0 && atKill < total, "the kill must land mid-stream: \(atKill) of \(total) cases\(stack.logs())")
            #expect(partialAtKill == 0, "an inspection batch was half registered at the kill")

            try await stack.start()
            let done = await eventually(timeout: .seconds(120)) { await stack.integer("SELECT count(*) FROM $schema.cases") >= total }
            let registered = await stack.integer("SELECT count(*) FROM $schema.cases")
            #expect(done, "after the restart: \(registered) of \(total)\(stack.logs())")
            try await Task.sleep(for: .seconds(1))
            #expect(await stack.integer("SELECT count(*) FROM $schema.cases") == total, "nothing doubled")
            #expect(await stack.integer("SELECT count(DISTINCT (source, external_id, submission_item)) FROM $schema.cases") == total)
            #expect(await stack.integer("SELECT count(DISTINCT reference) FROM $schema.cases") == total)
            #expect(await stack.integer("SELECT count(*) FROM $schema.submissions") == batches + singles)
            #expect(
                await stack.integer(
                    "SELECT count(*) FROM (SELECT external_id FROM $schema.cases WHERE external_id LIKE 'unit-%' GROUP BY external_id HAVING count(*) = \(defects)) p")
                    == batches, "every inspection batch whole")
            #expect(await stack.integer("SELECT count(*) FROM $schema.case_timeline") == total)
            // Exactly one registered event per case in the outbox, and all of it published.
            #expect(await stack.integer("SELECT count(*) FROM $schema.outbox WHERE topic = 'careloop.cases.v1'") == total)
            let drained = await eventually(timeout: .seconds(60)) { await stack.integer("SELECT count(*) FROM $schema.outbox WHERE sent_at IS NULL") == 0 }
            #expect(drained, "outbox drained\(stack.logs())")
        }
    }

    @Test("HTTP: concurrent POSTs (single and batch bodies), SIGKILL, restart, every request retried: one registration per key")
    func httpPath() async throws {
        try await IntakeProcessStack.with("http") { stack in
            try await stack.start()
            let apiKey = try await stack.createAPIKey(scopes: "write,read")
            let requests = 240
            func body(_ index: Int) -> String {
                index % 10 == 0 ? inspectionBatchBody(unit: index, defects: 20) : singleVoiceBody(unit: index)
            }
            let bodies = (0..<requests).map(body)
            let expectedCases = (0..<requests).reduce(0) { $0 + ($1 % 10 == 0 ? 20 : 1) }
            let firstAnswers = AnswerBook()
            let killer = Task {
                _ = await eventually(timeout: .seconds(60)) { await stack.integer("SELECT count(*) FROM $schema.submissions") >= requests / 4 }
                stack.kill9()
            }
            // Eight clients in parallel; a request that meets a dead service gets no answer.
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for index in stride(from: worker, to: requests, by: 8) {
                            if let answer = await stack.post(bodies[index], idempotencyKey: "req-\(index)", apiKey: apiKey) {
                                firstAnswers.record(index, status: answer.status, caseIDs: Self.caseIDs(answer.body))
                            }
                        }
                    }
                }
            }
            await killer.value
            let answeredBeforeRestart = firstAnswers.answers
            #expect(answeredBeforeRestart.values.allSatisfy { [200, 201].contains($0.status) }, "\(answeredBeforeRestart.values.map(\.status))")
            #expect(answeredBeforeRestart.count < requests, "the kill must interrupt the run")

            try await stack.start()
            // Every client retries every request: those answered before get 200 and the same cases.
            var retried: [Int: (status: Int, caseIDs: [String])] = [:]
            for index in 0..<requests {
                let answer = await stack.post(bodies[index], idempotencyKey: "req-\(index)", apiKey: apiKey)
                retried[index] = answer.map { ($0.status, Self.caseIDs($0.body)) }
            }
            #expect(retried.values.allSatisfy { $0.status == 200 || $0.status == 201 }, "retries: \(Set(retried.values.map(\.status)))")
            for (index, before) in answeredBeforeRestart {
                #expect(retried[index]?.status == 200, "request \(index) answered \(before.status) before the kill, then \(retried[index]?.status ?? 0)")
                #expect(retried[index]?.caseIDs == before.caseIDs, "request \(index): the same cases again")
            }
            #expect(await stack.integer("SELECT count(*) FROM $schema.cases") == expectedCases, "\(stack.logs())")
            #expect(await stack.integer("SELECT count(*) FROM $schema.submissions") == requests)
            #expect(await stack.integer("SELECT count(DISTINCT reference) FROM $schema.cases") == expectedCases)
            #expect(
                await stack.integer(
                    "SELECT count(*) FROM (SELECT external_id FROM $schema.cases GROUP BY external_id HAVING count(*) NOT IN (1, 20)) p") == 0,
                "no partial batch")
            #expect(await stack.integer("SELECT count(*) FROM $schema.outbox") == expectedCases)
        }
    }

    /// The case ids of a `201`/`200` body, single or batch form.
    static func caseIDs(_ body: [String: Any]) -> [String] {
        if let single = body["case_id"] as? String { return [single] }
        return ((body["cases"] as? [[String: Any]]) ?? []).compactMap { $0["case_id"] as? String }
    }
}

/// Answers received by concurrent clients, by request index.
final class AnswerBook: Sendable {
    private let state = Mutex<[Int: (status: Int, caseIDs: [String])]>([:])

    func record(_ index: Int, status: Int, caseIDs: [String]) {
        state.withLock { $0[index] = (status, caseIDs) }
    }

    var answers: [Int: (status: Int, caseIDs: [String])] { state.withLock { $0 } }
}
