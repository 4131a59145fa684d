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

            let start = try await Self.workThrough(orderID, key: key, on: stack)

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

    @Test("routing sees it: a registered case is routed, its work order opened, assigned and completed, and routing resolves the case; a staff reopening goes back to the technician without ping-pong")
    func routingSeesCompletion() async throws {
        try await RepairDispatchStack.with("routed", withRouting: true) { stack in
            try await stack.waitUntilReady()
            let technicianKey = try await stack.createKey(name: "tech-w1", scopes: "technician", subject: "TECH-W1")
            let staffKey = try await stack.createKey(name: "staff-1", scopes: "staff", subject: nil, onRouting: true)
            // Intake's event: a leaking bathroom ceiling (waterproofing) in SZ-FSG.
            let registered = RegisteredCase(caseID: UUID(), project: "SZ-FSG", owner: "OWN-88231", kind: "repair", at: Date())
            try await stack.producer.send([registered.record]).forEach { _ = try $0.get() }
            let caseID = registered.caseID.uuidString.lowercased()
            func caseTypes() -> [String] {
                stack.caseRecords.records.filter { $0.keyString == caseID }.compactMap { $0.header("ce_type") }
            }

            let assigned = await eventually(timeout: Self.patience) {
                stack.workOrderRecords.records(ofCase: caseID).contains { $0.header("ce_type") == "careloop.workorder.assigned" }
            }
            try #require(assigned, "no work order assigned for the routed case \(caseID); case events: \(caseTypes())\(stack.logs())")
            #expect(caseTypes().prefix(2) == ["careloop.case.registered", "careloop.case.routed"])
            let orderRecords = stack.workOrderRecords.records(ofCase: caseID)
            let orderID = try #require(WorkOrderRecordCollector.data(orderRecords[0])["work_order_id"] as? String)
            #expect(WorkOrderRecordCollector.data(orderRecords[1])["technician_id"] as? String == "TECH-W1")
            let caseAssigned = await eventually(timeout: Self.patience) { caseTypes().contains("careloop.case.assigned") }
            #expect(caseAssigned, "routing did not reflect the assignment: \(caseTypes())\(stack.logs())")

            _ = try await Self.workThrough(orderID, key: technicianKey, on: stack)
            let resolved = await eventually(timeout: Self.patience) { caseTypes().contains("careloop.case.resolved") }
            try #require(resolved, "routing did not resolve the case: \(caseTypes())\(stack.logs())")
            let resolvedEvent = try #require(stack.caseRecords.records.last { $0.keyString == caseID && $0.header("ce_type") == "careloop.case.resolved" })
            #expect(WorkOrderRecordCollector.data(resolvedEvent)["status"] as? String == "resolved")

            // Routing's staff API shows the case resolved, with the work order on its timeline.
            let view = try await stack.call("GET", "/v1/routing/cases/\(caseID)", key: staffKey, onRouting: true)
            #expect(view.status == 200)
            #expect((view.json["routing"] as? [String: Any])?["state"] as? String == "resolved")
            #expect((view.json["case"] as? [String: Any])?["status"] as? String == "resolved")
            #expect((view.json["routing"] as? [String: Any])?["repair_lead"] as? String == "TECH-W1")
            let timeline = view.json["timeline"] as? [[String: Any]] ?? []
            let ofOrder = timeline.filter { ($0["details"] as? [String: Any])?["work_order_id"] as? String == orderID }
            #expect(ofOrder.contains { $0["event_type"] as? String == "careloop.case.assigned" }, "timeline: \(timeline)")
            #expect(ofOrder.contains { $0["event_type"] as? String == "careloop.case.resolved" }, "timeline: \(timeline)")

            // Staff reopen the case: the order goes back to the same technician, once; the services do not ping-pong.
            let reopened = try await stack.call(
                "POST", "/v1/routing/cases/\(caseID)/reopen", key: staffKey, body: #"{"reason":"the ceiling still drips"}"#, onRouting: true)
            #expect(reopened.status == 200, "reopen answered \(reopened.status): \(reopened.json)")
            let back = await eventually(timeout: Self.patience) {
                stack.workOrderRecords.records(ofCase: caseID).map { $0.header("ce_type") ?? "" }.suffix(2)
                    == ["careloop.workorder.reopened", "careloop.workorder.assigned"]
            }
            #expect(back, "work-order events: \(stack.workOrderRecords.records(ofCase: caseID).map { $0.header("ce_type") ?? "" })\(stack.logs())")
            try await Task.sleep(for: .seconds(3))  // an echo loop would show by now
            let orderTypes = stack.workOrderRecords.records(ofCase: caseID).compactMap { $0.header("ce_type") }
            #expect(orderTypes.filter { $0 == "careloop.workorder.reopened" }.count == 1, "work-order events: \(orderTypes)")
            #expect(caseTypes().filter { $0 == "careloop.case.reopened" }.count == 1, "case events: \(caseTypes())")
            let last = WorkOrderRecordCollector.data(try #require(stack.workOrderRecords.records(ofCase: caseID).last))
            #expect(last["technician_id"] as? String == "TECH-W1" && last["status"] as? String == "assigned")
            let reason = WorkOrderRecordCollector.data(stack.workOrderRecords.records(ofCase: caseID).dropLast().last!)["reason"] as? String
            #expect(reason?.contains("the ceiling still drips") == true, "reason: \(reason ?? "-")")
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

    /// The technician behind `key` works order `orderID` through the API: lists it among today's orders, accepts,
    /// logs the contact, books tomorrow's first free window (completing before the start is refused with 409), starts
    /// and completes it. Returns the booked window's start.
    static func workThrough(_ orderID: String, key: String, on stack: RepairDispatchStack) async throws -> String {
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
        return start
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
