import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import PostgresNIO
import Testing

/// Routing as real processes on the dev broker and PostgreSQL: group incidents across partitions and replicas, and
/// SLA timers across a crash and restart.
@Suite("Routing replicas and timers as real processes", .serialized, .timeLimit(.minutes(5)))
struct RoutingPipelineTests {
    static let patience: Duration = .seconds(60)

    @Test("a burst of 6 owners on one project, spread over every partition and two routing replicas, opens exactly one group incident")
    func groupIncidentAcrossReplicas() async throws {
        try await PipelineStack.with("group") { stack in
            let clients = try PipelineClients(stack)
            try await withRunning([clients.producer, clients.casesConsumer, clients.deadLetterConsumer]) {
                try await stack.waitUntilReady()
                try stack.start(.routing)  // a second replica in the same consumer group
                try await stack.waitUntilReady([.routing])

                // Probes on every partition until both replicas have routed some: the group has settled.
                var round = 0
                let settled = await eventually(timeout: Self.patience) {
                    round += 1
                    let probes = RegisteredCase.onEveryPartition(count: 1, project: "PROBE-\(round)", kind: "inquiry")
                    _ = try? await clients.producer.send(probes.map(\.record))
                    _ = await eventually(timeout: .seconds(5)) {
                        await stack.routedBy(probes.map(\.caseID)).count == probes.count
                    }
                    return Set(await stack.routedBy(probes.map(\.caseID)).values).count == 2
                }
                try #require(settled, "the two replicas never both routed probes\(stack.logs())")

                let burst = RegisteredCase.onEveryPartition(count: 2, project: "SZ-BURST", kind: "complaint")
                let reports = try await clients.producer.send(burst.map(\.record)).map { try $0.get() }
                #expect(Set(reports.map(\.partition)).count == 3, "the burst spans every partition: \(reports.map(\.partition))")

                let ids = burst.map(\.caseID)
                let merged = await eventually(timeout: Self.patience) { await stack.routingStatuses(ids).values.allSatisfy { $0 == "merged" } }
                let statuses = await stack.routingStatuses(ids)
                #expect(merged, "statuses: \(statuses)\(stack.logs())")
                try await Task.sleep(for: .seconds(2))  // anything still in flight would show now
                #expect(await stack.count(.routing, "group_incidents") == 1, "group incidents\(stack.logs())")
                #expect(await stack.count(.routing, where: "group_incident_id IS NOT NULL") == 6)
                let routers = Set(await stack.routedBy(ids).values)
                #expect(routers.count == 2, "both replicas routed burst cases: \(routers)")

                let onTopic = await eventually(timeout: Self.patience) {
                    Set(clients.caseEvents(type: .caseMerged).compactMap(\.caseID)) == Set(ids.map { $0.uuidString.lowercased() })
                }
                #expect(onTopic, "merged events on careloop.cases.v1\(stack.logs())")
                let mergedEvents = clients.caseEvents(type: .caseMerged)
                #expect(Set(mergedEvents.compactMap { $0.object["group_incident_id"] as? String }).count == 1, "one incident id")
                #expect(mergedEvents.allSatisfy { $0.object["severity"] as? String == "group_incident" })
                #expect(clients.deadLetters(of: .cases).isEmpty, "routing dead-lettered\(stack.logs())")
            }
        }
    }

    @Test("a warning due while routing is down fires exactly once after the restart, and the breach after it once")
    func timerAcrossRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-timers-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Around the clock in Shenzhen, and a 113 rule of 16 s to acknowledge with the warning at half of it.
        let week = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map { "\"\($0)\": [\"00:00-24:00\"]" }
        let calendar = directory.appendingPathComponent("calendars.json")
        try Data(#"{"shenzhen": {"timeZone": "Asia/Shanghai", "week": {\#(week.joined(separator: ", "))}}}"#.utf8).write(to: calendar)
        let policy = directory.appendingPathComponent("policy.json")
        let limits = #"{"acknowledge": "16s", "respond": "1h", "resolve": "2h", "warningShare": 0.5}"#
        try Data(#"{"timeRules": {"113": \#(limits), "137": \#(limits)}}"#.utf8).write(to: policy)
        let routing = [
            "CARELOOP_ROUTING_CALENDAR_FILE": calendar.path, "CARELOOP_ROUTING_POLICY_FILE": policy.path,
            "CARELOOP_ROUTING_TIMERS_POLL_INTERVAL_MS": "200",
            // Fired timers stay on record for the whole test (the default sweeps them at the first idle poll).
            "CARELOOP_ROUTING_TIMERS_SWEEP_AFTER_MS": "600000",
        ]
        try await PipelineStack.with("timers", environment: [.routing: routing]) { stack in
            let clients = try PipelineClients(stack)
            try await withRunning([clients.producer, clients.casesConsumer, clients.deadLetterConsumer]) {
                try await stack.waitUntilReady()
                let registeredAt = Date()
                let subject = RegisteredCase(caseID: UUID(), project: "SZ-TIMER", owner: "OWN-T", kind: "complaint", at: registeredAt)
                try await clients.producer.send(subject.record)
                let routed = await eventually(timeout: Self.patience) { await stack.routingStatuses([subject.caseID]).values.first == "routed" }
                try #require(routed, "not routed\(stack.logs())")
                #expect(await stack.count(.routing, "sla_timer_states", where: "fired_at IS NULL") == 6)
                stack.kill9(.routing)
                let killedAt = Date()
                #expect(killedAt < registeredAt.addingTimeInterval(8), "the kill must come before the warning is due")

                // The warning falls due while nothing runs.
                try await Task.sleep(for: .seconds(max(0, registeredAt.addingTimeInterval(9).timeIntervalSinceNow)))
                #expect(clients.caseEvents(type: .caseSLAWarning).isEmpty, "a warning fired while routing was down")
                try stack.start(.routing)
                let restartedAt = Date()
                try await stack.waitUntilReady([.routing])

                let key = subject.caseID.uuidString.lowercased()
                let warned = await eventually(timeout: Self.patience) { clients.caseEvents(type: .caseSLAWarning).contains { $0.caseID == key } }
                #expect(warned, "no warning after the restart\(stack.logs())")
                let breached = await eventually(timeout: Self.patience) { clients.caseEvents(type: .caseSLABreached).contains { $0.caseID == key } }
                #expect(breached, "no breach\(stack.logs())")
                try await Task.sleep(for: .seconds(2))

                let warnings = clients.caseEvents(type: .caseSLAWarning).filter { $0.caseID == key }
                let breaches = clients.caseEvents(type: .caseSLABreached).filter { $0.caseID == key }
                #expect(warnings.count == 1, "warnings: \(warnings.count)")
                #expect(breaches.count == 1, "breaches: \(breaches.count)")
                #expect(warnings.first?.object["deadline"] as? String == "acknowledge")
                if let time = warnings.first?.record.header("ce_time"), let fired = try? Timestamp(rfc3339: time) {
                    #expect(fired.date >= restartedAt.addingTimeInterval(-1), "the warning was published by the restarted process")
                }
                #expect(clients.caseEvents(type: .caseEscalated).filter { $0.caseID == key }.count == 1, "the breach escalated once")
                #expect(await stack.count(.routing, "sla_timer_states", where: "deadline = 'acknowledge' AND fired_at IS NOT NULL") == 2)
                #expect(await stack.count(.routing, "case_escalations") == 1)
            }
        }
    }
}

/// A `careloop.case.registered` event produced straight onto `careloop.cases.v1`, as intake would.
struct RegisteredCase {
    var caseID: UUID
    var project: String
    var owner: String
    var kind: String
    var at: Date

    var record: ProducerRecord {
        let id = caseID.uuidString.lowercased()
        let time = Timestamp(at).rfc3339
        let data: [String: Any] = [
            "case_id": id, "reference": "SZ-2026-\(id.prefix(6))",
            "external_ref": ["source": "crm://acme/hotline", "id": "ext-\(id)"],
            "status": "registered", "kind": kind, "category": "engineering.leakage", "severity": "ordinary",
            "department": "customer_service", "property": ["city": "shenzhen", "project": project, "building": "3", "unit": "101"],
            "due": ["acknowledge_by": time, "respond_by": time, "resolve_by": time], "occurred_at": time,
            "owner_id": owner, "title": "卫生间漏水", "description": "楼上渗水到天花板", "category_hint": kind == "inquiry" ? "property.facilities" : "engineering.leakage",
        ]
        let value = try! JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])
        let headers = [
            RecordHeader(key: "ce_specversion", string: "1.0"), RecordHeader(key: "ce_id", string: "\(id).registered"),
            RecordHeader(key: "ce_source", string: "careloop://intake"), RecordHeader(key: "ce_type", string: EventType.caseRegistered.rawValue),
            RecordHeader(key: "ce_time", string: time), RecordHeader(key: "ce_subject", string: id),
            RecordHeader(key: "content-type", string: "application/json"),
        ]
        return ProducerRecord(topic: Topic.cases.rawValue, key: Array(id.utf8), value: Array(value), headers: headers)
    }

    /// `count` cases on each of the 3 partitions (by Kafka's murmur2 partitioner), distinct owners, reported now.
    static func onEveryPartition(count: Int, project: String, kind: String, partitions: Int = 3) -> [RegisteredCase] {
        var perPartition = [Int](repeating: 0, count: partitions)
        var cases: [RegisteredCase] = []
        while cases.count < count * partitions {
            let id = UUID()
            let partition = Murmur2.partition(of: Array(id.uuidString.lowercased().utf8), partitions: partitions)
            guard perPartition[partition] < count else { continue }
            perPartition[partition] += 1
            cases.append(RegisteredCase(caseID: id, project: project, owner: "OWN-\(project)-\(cases.count)", kind: kind, at: Date()))
        }
        return cases
    }
}

/// Kafka's default partitioner hash (murmur2, as the Java client and librdkafka's `murmur2_random`).
enum Murmur2 {
    static func hash(_ data: [UInt8]) -> UInt32 {
        let m: UInt32 = 0x5bd1_e995
        var h: UInt32 = 0x9747_b28c ^ UInt32(data.count)
        let blocks = data.count / 4
        for block in 0..<blocks {
            let i = block * 4
            var k = UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24
            k = k &* m
            k ^= k >> 24
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = blocks * 4
        switch data.count % 4 {
        case 3:
            h ^= UInt32(data[tail + 2]) << 16
            fallthrough
        case 2:
            h ^= UInt32(data[tail + 1]) << 8
            fallthrough
        case 1:
            h ^= UInt32(data[tail])
            h = h &* m
        default:
            break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }

    static func partition(of key: [UInt8], partitions: Int) -> Int {
        Int(hash(key) & 0x7fff_ffff) % partitions
    }
}

extension PipelineStack {
    /// `status` of routing's cases among `ids`.
    func routingStatuses(_ ids: [UUID]) async -> [UUID: String] {
        await routingColumn("status", ids)
    }

    /// `routed_by` (which replica routed it) of routing's cases among `ids`.
    func routedBy(_ ids: [UUID]) async -> [UUID: String] {
        await routingColumn("routed_by", ids)
    }

    private func routingColumn(_ column: String, _ ids: [UUID]) async -> [UUID: String] {
        do {
            let rows = try await postgres.query(
                "SELECT case_id, \(unescaped: column) FROM \(unescaped: schemas[.routing]!).cases WHERE case_id = ANY(\(ids)::uuid[])",
                logger: logger)
            var result: [UUID: String] = [:]
            for try await (id, value) in rows.decode((UUID, String?).self) { result[id] = value ?? "" }
            return result
        } catch {
            return [:]
        }
    }
}

/// A record on `careloop.cases.v1` with its JSON data as an object.
struct CaseRecordOnTopic {
    let record: ConsumedRecord
    let object: [String: Any]
    var caseID: String? { object["case_id"] as? String }
}

extension PipelineClients {
    /// Every record of `type` seen so far on `careloop.cases.v1`.
    func caseEvents(type: EventType) -> [CaseRecordOnTopic] {
        cases.records.filter { $0.header("ce_type") == type.rawValue }.map { record in
            CaseRecordOnTopic(
                record: record, object: (try? JSONSerialization.jsonObject(with: Data(record.value ?? []))) as? [String: Any] ?? [:])
        }
    }
}
