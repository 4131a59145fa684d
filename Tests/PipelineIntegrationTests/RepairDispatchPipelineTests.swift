import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Testing

/// Repair dispatch as a real process on the dev broker and PostgreSQL: routed cases in on `careloop.cases.v1`, work
/// orders through the technician API, the lifecycle out on `careloop.workorders.v1`; and a crash in the middle of a
/// delivery wave.
@Suite("Repair dispatch as a real process", .serialized, .timeLimit(.minutes(5)))
struct RepairDispatchPipelineTests {
    static let patience: Duration = .seconds(60)

    @Test("a routed case becomes a work order, is assigned, worked through the technician API and completed, all on careloop.workorders.v1")
    func routedCaseToCompletedOrder() async throws {
        try await RepairDispatchStack.with("flow") { stack in
            try await stack.waitUntilReady()
            let key = try await stack.createKey(name: "tech-p1", scopes: "technician", subject: "TECH-P1")
            let data = routedRepairCase()
            try await stack.sendRouted([data])

            let assigned = await eventually(timeout: Self.patience) {
                stack.workOrderRecords.records(ofCase: data.caseID).contains { $0.header("ce_type") == "careloop.workorder.assigned" }
            }
            try #require(assigned, "no assigned event for case \(data.caseID)\(stack.logs())")
            let opened = try #require(stack.workOrderRecords.records(ofCase: data.caseID).first)
            let orderID = try #require(WorkOrderRecordCollector.data(opened)["work_order_id"] as? String)
            #expect(opened.header("ce_type") == "careloop.workorder.opened")
            #expect(opened.keyString == orderID && opened.header("ce_subject") == orderID, "key and ce_subject = work order id")
            #expect(opened.header("ce_source") == "careloop://repair-dispatch" && opened.header("ce_id") == "\(orderID).1")
            let assignedData = WorkOrderRecordCollector.data(stack.workOrderRecords.records(ofCase: data.caseID)[1])
            #expect(assignedData["technician_id"] as? String == "TECH-P1")
            #expect((assignedData["warranty"] as? [String: Any])?["in_warranty"] as? Bool == true)

            // The technician works it through the API.
            let base = "/v1/technician/work-orders/\(orderID)"
            let today = try await stack.call("GET", "/v1/technician/work-orders", key: key)
            #expect(today.status == 200)
            #expect((today.json["work_orders"] as? [[String: Any]])?.contains { $0["work_order_id"] as? String == orderID } == true)
            #expect(try await stack.call("POST", "\(base)/accept", key: key).status == 200)
            #expect(try await stack.call("POST", "\(base)/contact", key: key, body: #"{"note":"booked"}"#).status == 200)
            let tomorrow = Self.shanghaiDay(Date().addingTimeInterval(86_400))
            let slots = try await stack.call("GET", "\(base)/slots?day=\(tomorrow)", key: key)
            let start = try #require((slots.json["slots"] as? [[String: Any]])?.first { $0["free"] as? Bool == true }?["start"] as? String)
            let scheduled = try await stack.call("POST", "\(base)/schedule", key: key, body: #"{"start":"\#(start)"}"#)
            #expect(scheduled.status == 200 && scheduled.json["status"] as? String == "scheduled")
            let illegal = try await stack.call("POST", "\(base)/complete", key: key, body: #"{"work_done":"too early"}"#)
            #expect(illegal.status == 409 && illegal.json["current_state"] as? String == "scheduled")
            #expect(try await stack.call("POST", "\(base)/start", key: key).status == 200)
            let completed = try await stack.call(
                "POST", "\(base)/complete", key: key, body: #"{"work_done":"replaced the tap cartridge","cause":"worn cartridge"}"#)
            #expect(completed.status == 200 && completed.json["status"] as? String == "completed")

            let allSeen = await eventually(timeout: Self.patience) {
                stack.workOrderRecords.records(ofCase: data.caseID).contains { $0.header("ce_type") == "careloop.workorder.completed" }
            }
            #expect(allSeen, "no completed event\(stack.logs())")
            let records = stack.workOrderRecords.records(ofCase: data.caseID)
            #expect(records.map { $0.header("ce_type") ?? "" } == [
                "careloop.workorder.opened", "careloop.workorder.assigned", "careloop.workorder.contacted", "careloop.workorder.scheduled",
                "careloop.workorder.started", "careloop.workorder.completed",
            ], "the lifecycle in order on one partition")
            #expect(Set(records.map(\.partition)).count == 1)
            #expect(records.allSatisfy { $0.keyString == orderID && WorkOrderRecordCollector.data($0)["case_id"] as? String == data.caseID })
            let scheduledData = WorkOrderRecordCollector.data(records[3])
            #expect((scheduledData["appointment"] as? [String: Any])?["start"] as? String == start)
        }
    }

    @Test("a 1,000-defect delivery wave with the service killed (SIGKILL) half-way still yields exactly 1,000 work orders")
    func waveSurvivesKill() async throws {
        let total = 1_000
        let tuning = ["CARELOOP_KAFKA_CONSUMER_MAX_BATCH": "25", "CARELOOP_KAFKA_CONSUMER_SESSION_TIMEOUT_MS": "3000"]
        try await RepairDispatchStack.with("wave", environment: tuning) { stack in
            try await stack.waitUntilReady()
            let batch = "DELIVERY-2026-11-SZ-FSG-WAVE"
            let defects = (0..<total).map { index in
                routedRepairCase(
                    hint: index % 2 == 0 ? "engineering.plumbing" : "engineering.finishing", building: String(1 + index % 10),
                    unit: String(100 + index), batch: batch, title: "Defect \(index)")
            }
            try await stack.sendRouted(defects)
            _ = await eventually(timeout: Self.patience) { await stack.count("work_orders") >= 150 }
            stack.kill9()
            let atKill = await stack.count("work_orders")
            #expect(atKill > 0 && atKill < total, "the kill must land mid-wave; orders at the kill: \(atKill)\(stack.logs())")

            try stack.start()
            try await stack.waitUntilReady()
            let done = await eventually(timeout: .seconds(120)) { await stack.count("work_orders") >= total }
            try await Task.sleep(for: .seconds(1))
            let orders = await stack.count("work_orders")
            #expect(done && orders == total, "orders after the restart: \(orders) (killed at \(atKill))\(stack.logs())")
            #expect(await stack.count("work_orders", where: "inspection_batch = '\(batch)'") == total)
            #expect(await stack.count("work_orders", where: "technician_id IS NULL") == 0, "every defect assigned")
            #expect(await stack.count("work_order_history", where: "action = 'open'") == total, "one opened event per order")

            // Every order's opened event reaches the topic (at least once; the relay may repeat one sent just before
            // the kill, under the same ce_id).
            let published = await eventually(timeout: Self.patience) {
                Set(stack.workOrderRecords.records.filter { $0.header("ce_type") == "careloop.workorder.opened" }.compactMap { $0.header("ce_id") })
                    .count >= total
            }
            #expect(published, "opened events seen: \(stack.workOrderRecords.records.count)\(stack.logs())")
        }
    }

    /// `YYYY-MM-DD` of `date` in Asia/Shanghai.
    static func shanghaiDay(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: date)
    }
}
