import CareLoopContracts
import CareLoopHTTP
import CareLoopKafka
import CareLoopRuntime
import CareLoopTestSupport
import Foundation
import Testing

@testable import IntakeService

/// The whole service in this process against the dev broker and PostgreSQL: both paths in, the registered events
/// out, dead letters with field-level reasons, and case events consumed back into the timeline.
@Suite("Intake service end to end: topic and HTTP paths on the dev broker and PostgreSQL", .serialized, .timeLimit(.minutes(5)))
struct IntakeServiceIntegrationTests {
    static let patience: Duration = .seconds(45)
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("topic: one case per submission, duplicates ignored, a 100-defect batch, bad records dead-lettered with their reasons")
    func topicPath() async throws {
        try await IntakeServiceStack.with { stack in
            let valid = submissionJSON()
            try await stack.submit(valid, id: "t-1", traceparent: Self.traceparent)
            try await stack.submit(valid, id: "t-1")  // the same (ce_source, ce_id) again
            try await stack.submit(valid, id: "t-1", key: "wuhan/WH-LKC")  // again, likely on another partition
            let bad = [
                try await stack.submit(#"{"kind":"repair","#, id: "t-bad-json"),
                try await stack.submit(submissionJSON(project: "SZ-NOPE"), id: "t-unknown-project"),
                try await stack.submit(valid, id: nil),  // no ce_id
                try await stack.submit(valid, id: "t-content-type", contentType: "text/plain"),
            ]
            try await stack.submit(defectBatchJSON(count: 100), source: "tablet://acme/inspection", id: "t-batch")
            try await stack.submit(valid, id: "t-2")
            let registered = await eventually(timeout: Self.patience) { (try? await stack.count("cases")) == 102 }
            let caseCount = try await stack.count("cases")
            #expect(registered, "cases: \(caseCount)")
            #expect(try await stack.count("cases", where: "external_id = 't-1'") == 1)
            #expect(try await stack.count("cases", where: "external_id = 't-batch' AND inspection_batch IS NOT NULL") == 100)
            #expect(await eventually(timeout: Self.patience) { stack.registered.count >= 102 }, "registered events: \(stack.registered.count)")
            try await Task.sleep(for: .milliseconds(500))
            #expect(stack.registered.count == 102, "one careloop.case.registered per case")
            for record in stack.registered {
                let text = String(decoding: record.value ?? [], as: UTF8.self)
                #expect(!text.contains("Li Wei") && !text.contains("13800138000") && !text.contains("Zhang San") && !text.contains("13900139000"))
            }
            let first = stack.registered.first { (try? CaseEventData.parse(json: $0.value ?? []).get())?.externalRef.id == "t-1" }
            #expect(first?.header("traceparent") == Self.traceparent, "traceparent passed through")

            #expect(await eventually(timeout: Self.patience) { stack.deadLetters.records.count >= 4 }, "dead letters: \(stack.deadLetters.records.count)")
            func deadLetter(_ report: DeliveryReport) -> ConsumedRecord? {
                stack.deadLetters.records.first {
                    $0.header("careloop_original_partition") == String(report.partition) && $0.header("careloop_original_offset") == String(report.offset)
                }
            }
            #expect(deadLetter(bad[0])?.header("careloop_error_class") == "malformed_json")
            let unknown = deadLetter(bad[1])
            #expect(unknown?.header("careloop_error_class") == "validation")
            #expect(unknown?.header("careloop_error_message")?.contains("property.project") == true)
            #expect(unknown?.header("careloop_error_message")?.contains("(unknown)") == true, "\(unknown?.header("careloop_error_message") ?? "")")
            #expect(deadLetter(bad[2])?.header("careloop_error_class") == "invalid_cloudevent")
            #expect(deadLetter(bad[3])?.header("careloop_error_class") == "invalid_cloudevent")
            #expect(stack.deadLetters.records.allSatisfy { !($0.header("careloop_error_message") ?? "").contains("Li Wei") })
        }
    }

    @Test("HTTP over the socket: 201, the registered event, a repeat is 200; case events come back into the timeline")
    func httpPathAndTimeline() async throws {
        try await IntakeServiceStack.with { stack in
            let key = try await stack.apiKey(scopes: [.write, .read])
            let body = submissionJSON()
            let created = try await stack.request(
                "POST", "/v1/cases", key: key, headers: ["Idempotency-Key": "h-1", "traceparent": Self.traceparent], body: body)
            #expect(created.status == 201)
            let caseID = try #require(created.body["case_id"] as? String)
            let repeated = try await stack.request("POST", "/v1/cases", key: key, headers: ["Idempotency-Key": "h-1"], body: body)
            #expect(repeated.status == 200)
            #expect(repeated.body["case_id"] as? String == caseID)
            let malformed = try await stack.request("POST", "/v1/cases", key: key, headers: ["Idempotency-Key": "h-2"], body: "{")
            #expect(malformed.status == 400)
            #expect(malformed.headers["content-type"] == "application/problem+json")
            let unknownKey = try await stack.request("POST", "/v1/cases", key: "clk_aaaaaaaaaaaa_" + String(repeating: "b", count: 43), body: body)
            #expect(unknownKey.status == 401)
            let unknownProject = try await stack.request(
                "POST", "/v1/cases", key: key, headers: ["Idempotency-Key": "h-3"], body: submissionJSON(project: "SZ-NOPE"))
            #expect(unknownProject.status == 400)
            #expect((unknownProject.body["errors"] as? [[String: Any]])?.first?["rule"] as? String == "unknown")
            let wrongType = try await stack.request(
                "POST", "/v1/cases", key: key, headers: ["Idempotency-Key": "h-4", "Content-Type": "text/plain"], body: body)
            #expect(wrongType.status == 415)
            let oversize = try await stack.request(
                "POST", "/v1/cases", key: key, headers: ["Idempotency-Key": "h-5"],
                body: submissionJSON(extra: #","note":"\#(String(repeating: "x", count: 1_100_000))""#))
            #expect(oversize.status == 413)
            // The same new key from eight clients at once: one registration, one answer for all.
            let burstBody = submissionJSON(owner: "OWN-BURST")
            let burst = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let answer = try await stack.request("POST", "/v1/cases", key: key, headers: ["Idempotency-Key": "h-burst"], body: burstBody)
                        return (answer.status, answer.body["case_id"] as? String)
                    }
                }
                return try await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
            }
            #expect(burst.map(\.0).sorted() == [200, 200, 200, 200, 200, 200, 200, 201], "\(burst)")
            #expect(Set(burst.compactMap(\.1)).count == 1)
            #expect(try await stack.count("cases", where: "external_id = 'h-burst'") == 1)

            #expect(await eventually(timeout: Self.patience) { stack.registered.contains { $0.header("ce_subject") == caseID } })
            let event = try #require(stack.registered.first { $0.header("ce_subject") == caseID })
            #expect(event.header("traceparent") == Self.traceparent)
            let data = try CaseEventData.parse(json: event.value ?? []).get()
            #expect(data.externalRef.id == "h-1" && data.externalRef.source.hasPrefix("api-key:"))
            #expect(data.reference == created.body["reference"] as? String)
            try await Task.sleep(for: .milliseconds(500))
            #expect(stack.registered.filter { $0.header("ce_subject") == caseID }.count == 1, "one event for a repeated key")

            // Routing's answer, and an event of a case intake does not have.
            var routed = data
            routed.status = .routed
            routed.department = .engineering
            routed.occurredAt = Timestamp(Date())
            routed.actor = "system"
            var stranger = routed
            stranger.caseID = UUID().uuidString.lowercased()
            for (payload, id) in [(routed, "routed-1"), (stranger, "routed-2")] {
                let event = try CloudEvent.json(
                    id: id, source: "careloop://routing", type: .caseRouted, time: payload.occurredAt, subject: payload.caseID,
                    traceparent: nil, tracestate: nil, payload: payload)
                _ = try await stack.producer.send(
                    ProducerRecord(topic: Topic.cases.rawValue, key: Array(payload.caseID.utf8), value: event.data, headers: event.kafkaHeaders()))
            }
            #expect(
                await eventually(timeout: Self.patience) {
                    (try? await stack.request("GET", "/v1/cases/\(caseID)", key: key).body["status"] as? String) == "routed"
                })
            let detail = try await stack.request("GET", "/v1/cases/\(caseID)", key: key)
            let timeline = detail.body["timeline"] as? [[String: Any]] ?? []
            #expect(timeline.compactMap { $0["entry"] as? String } == ["registered", "routed"])
            #expect(detail.body["department"] as? String == "engineering")
            try await Task.sleep(for: .seconds(1))
            #expect(stack.deadLetters.records.isEmpty, "an event of an unknown case is skipped, not dead-lettered")
            #expect(try await stack.count("case_timeline", where: "case_id = '\(caseID)'") == 2)
        }
    }
}
