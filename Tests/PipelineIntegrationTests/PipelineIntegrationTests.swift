import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Testing

/// The walking pipeline end to end: a dev broker process, `careloop-intake` and `careloop-routing` as real processes
/// configured by environment, a throw-away PostgreSQL, and submissions produced as a company's system would.
@Suite("Walking pipeline: intake and routing as real processes", .serialized, .timeLimit(.minutes(5)))
struct PipelineIntegrationTests {
    /// How long a step of the pipeline may take (the first consumer-group join alone takes ~3 s).
    static let patience: Duration = .seconds(45)

    // MARK: Checks 1, 2, 3 and 5 on one stack

    @Test("a submission becomes one case, one registered event and one routing record; duplicates make no second case; bad records go to the DLT; SIGTERM exits 0")
    func walkingPipeline() async throws {
        try await PipelineStack.with("walk") { stack in
            let clients = try PipelineClients(stack)
            try await withRunning([clients.producer, clients.casesConsumer, clients.deadLetterConsumer]) {
                try await stack.waitUntilReady()
                try await checkOneSubmission(stack, clients)
                try await checkDuplicates(stack, clients)
                try await checkDeadLetters(stack, clients)
                try await checkWholeRun(stack, clients, deadLetters: 3)
            }
            try await checkGracefulShutdown(stack)
        }
    }

    /// Check 1: one valid submission → exactly one intake case, one `careloop.case.registered` event without the
    /// owner's name or phone, and routing's record of the case.
    private func checkOneSubmission(_ stack: PipelineStack, _ clients: PipelineClients) async throws {
        let source = "crm://acme/hotline"
        let submission = Submission.make(source: source, id: "walk-\(UUID().uuidString.prefix(8))", traceparent: Submission.traceparent)
        try await clients.send(submission)

        #expect(
            await eventually(timeout: Self.patience) { await stack.count(.intake) >= 1 },
            "no case registered for the submission\(stack.logs())")
        let cases = try await stack.intakeCases(source: source)
        #expect(cases.count == 1, "intake cases for one submission: \(cases)\(stack.logs())")
        let row = try #require(cases.first, "no intake case\(stack.logs())")
        #expect(row.externalID == submission.id)
        #expect(row.status == "registered")
        #expect(row.reference.wholeMatch(of: /[A-Z]{2,4}-\d{4}-\d{6,}/) != nil, "reference \(row.reference)")
        #expect(row.reference.hasPrefix("SZ-") && row.reference.hasSuffix("-000001"), "first reference of SZ-FSG: \(row.reference)")

        // The registered event on careloop.cases.v1.
        #expect(
            await eventually(timeout: Self.patience) { clients.registeredEvents.contains { $0.caseUUID == row.caseID } },
            "no careloop.case.registered for case \(row.caseID)\(stack.logs())")
        let events = clients.registeredEvents.filter { $0.externalSource == source && $0.externalID == submission.id }
        #expect(events.count == 1, "registered events for one submission: \(events.map(\.record))\(stack.logs())")
        let event = try #require(events.first)
        let record = event.record
        let caseID = try #require(event.caseID)
        #expect(UUID(uuidString: caseID) == row.caseID)
        #expect(record.keyString == caseID, "key = case id")
        #expect(record.header("ce_subject") == caseID, "ce_subject = case id")
        #expect(record.header("ce_type") == "careloop.case.registered")
        #expect(record.header("ce_source") == "careloop://intake")
        #expect(record.header("ce_specversion") == "1.0")
        #expect(record.header("ce_id")?.isEmpty == false)
        #expect(record.header("ce_time").map { (try? Timestamp(rfc3339: $0)) != nil } == true, "ce_time is RFC 3339")
        #expect(record.header("content-type") == "application/json")
        #expect(record.header("traceparent") == Submission.traceparent, "traceparent passed through")
        #expect(event.reference == row.reference)
        #expect(event.externalSource == source && event.externalID == submission.id, "external_ref {source, id}")
        #expect(event.status == "registered")
        #expect(event.kind == "repair" && event.city == "shenzhen" && event.project == "SZ-FSG")
        // Owners' names and phones never appear on outbound topics (the submission has them in owner, title and
        // description).
        #expect(!record.mentions(Submission.ownerName), "owner's name on careloop.cases.v1: \(String(decoding: record.value ?? [], as: UTF8.self))")
        #expect(!record.mentions(Submission.ownerPhoneDigits), "owner's phone on careloop.cases.v1: \(String(decoding: record.value ?? [], as: UTF8.self))")
        #expect(!record.mentions("13800138000"), "owner's phone (national) on careloop.cases.v1")

        // Routing records the case.
        #expect(
            await eventually(timeout: Self.patience) { (try? await stack.routingCases().contains { $0.caseID == row.caseID }) == true },
            "routing did not record case \(row.caseID)\(stack.logs())")
        let routed = try await stack.routingCases().filter { $0.caseID == row.caseID }
        #expect(routed.count == 1, "routing rows for one case: \(routed)\(stack.logs())")
        #expect(routed.first?.reference == row.reference)
        #expect(routed.first?.status == "routed", "routing classifies, grades and routes the case at once")
    }

    /// Check 2: the same `(ce_source, ce_id)` sent again, on the same key, on a key of another partition, in the
    /// same burst and after registration, gives one case and one registered event.
    private func checkDuplicates(_ stack: PipelineStack, _ clients: PipelineClients) async throws {
        let source = "crm://acme/hotline-dup"
        let original = Submission.make(source: source, id: "dup-\(UUID().uuidString.prefix(8))")
        let first = try await clients.send([original, original])
        var keys = [original.key]
        // The same record under another key until one lands on another partition (every attempt is one more duplicate).
        var otherPartition: DeliveryReport?
        for attempt in 0..<12 where otherPartition == nil {
            let key = "wuhan/WH-\(attempt)"
            keys.append(key)
            let report = try await clients.send(original.keyed(key))
            if report.partition != first[0].partition { otherPartition = report }
        }
        #expect(otherPartition != nil, "precondition: a duplicate on another partition than \(first[0])")
        // A distinct sentinel after the duplicates on every key used: once its case exists, the duplicates before it
        // on the same partition were handled.
        var sentinels = keys.enumerated().map { index, key in
            Submission.make(source: source, id: "\(original.id!)-sentinel-\(index)").keyed(key)
        }
        try await clients.send(sentinels)
        #expect(
            await eventually(timeout: Self.patience) { await sentinelsRegistered(stack, source, sentinels) },
            "sentinels not registered\(stack.logs())")
        var cases = try await stack.intakeCases(source: source)
        #expect(cases.filter { $0.externalID == original.id }.count == 1, "cases for one (ce_source, ce_id) sent \(keys.count + 1) times: \(cases)\(stack.logs())")

        // Once more, long after the case was registered.
        let late = Submission.make(source: source, id: "\(original.id!)-sentinel-late")
        try await clients.send([original, late])
        sentinels.append(late)
        #expect(
            await eventually(timeout: Self.patience) { await sentinelsRegistered(stack, source, sentinels) },
            "late sentinel not registered\(stack.logs())")
        cases = try await stack.intakeCases(source: source)
        let duplicated = cases.filter { $0.externalID == original.id }
        #expect(duplicated.count == 1, "cases after a late duplicate: \(duplicated)\(stack.logs())")
        #expect(cases.count == 1 + sentinels.count, "cases of this source: \(cases)\(stack.logs())")

        // Exactly one registered event for it (wait for every sentinel's event, then a little longer).
        let expectedIDs = Set(cases.map(\.caseID))
        #expect(
            await eventually(timeout: Self.patience) {
                expectedIDs.isSubset(of: Set(clients.registeredEvents.compactMap(\.caseUUID)))
            }, "registered events missing\(stack.logs())")
        try await Task.sleep(for: .seconds(1))
        let events = clients.registeredEvents.filter { $0.externalSource == source && $0.externalID == original.id }
        #expect(events.count == 1, "registered events for one (ce_source, ce_id): \(events.map(\.caseID))\(stack.logs())")
        #expect(events.first?.caseUUID == duplicated.first?.caseID)
    }

    private func sentinelsRegistered(_ stack: PipelineStack, _ source: String, _ sentinels: [Submission]) async -> Bool {
        guard let cases = try? await stack.intakeCases(source: source) else { return false }
        let registered = Set(cases.map(\.externalID))
        return sentinels.allSatisfy { registered.contains($0.id!) }
    }

    /// Check 3: invalid JSON, a valid envelope with invalid data, and a record without `ce_id` land on
    /// `careloop.intake.v1.dlt` with the original key, value and headers plus the five `careloop_*` headers; a good
    /// record after them is registered and routed.
    private func checkDeadLetters(_ stack: PipelineStack, _ clients: PipelineClients) async throws {
        let source = "app://acme/owner-app"
        let tag = UUID().uuidString.prefix(8)
        var malformed = Submission.make(source: source, id: "bad-json-\(tag)")
        malformed.value = Array(#"{"kind": "repair", "channel": "app", "description": "tap leaks"#.utf8)
        let badPhone = "+86 138 0013 8000"
        let invalid = Submission.make(source: source, id: "bad-fields-\(tag)", description: nil, phone: badPhone)
        let withoutID = Submission.make(source: source, id: nil)
        let good = Submission.make(source: source, id: "good-after-bad-\(tag)")
        // Build the records once so the comparison below sees the exact headers that were sent.
        let bad = [malformed, invalid, withoutID]
        let badRecords = bad.map(\.record)
        let reports = try await clients.producer.send(badRecords).map { try $0.get() }
        try await clients.send(good)

        func deadLetter(for report: DeliveryReport) -> ConsumedRecord? {
            clients.deadLetters(of: .intake).first {
                $0.header("careloop_original_partition") == String(report.partition)
                    && $0.header("careloop_original_offset") == String(report.offset)
            }
        }
        #expect(
            await eventually(timeout: Self.patience) { reports.allSatisfy { deadLetter(for: $0) != nil } },
            "dead letters missing: \(clients.deadLetters(of: .intake).map(\.headers))\(stack.logs())")
        #expect(
            await eventually(timeout: Self.patience) {
                (try? await stack.intakeCases(source: source).map(\.externalID)) == [good.id!]
            }, "the good record after the bad ones was not registered\(stack.logs())")
        let goodCase = try #require(try await stack.intakeCases(source: source).first)
        #expect(
            await eventually(timeout: Self.patience) { (try? await stack.routingCases().contains { $0.caseID == goodCase.caseID }) == true },
            "routing did not record the good case\(stack.logs())")

        // The class of invalid JSON is checked strictly (`malformed_json`) in deadLetterContractRules.
        let expectations: [(name: String, errorClasses: Set<String>, mentions: [String])] = [
            ("invalid JSON", ["malformed_json", "validation"], ["$", "JSON"]),
            ("invalid data", ["validation"], ["description", "owner.phone"]),
            ("no ce_id", ["invalid_cloudevent"], ["ce_id"]),
        ]
        for ((sent, report), expected) in zip(zip(badRecords, reports), expectations) {
            guard let dead = deadLetter(for: report) else { continue }  // reported above
            #expect(dead.key == sent.key, "\(expected.name): original key")
            #expect(dead.value == sent.value, "\(expected.name): original value")
            #expect(Array(dead.headers.prefix(sent.headers.count)) == sent.headers, "\(expected.name): original headers first: \(dead.headers)")
            #expect(
                dead.headers.dropFirst(sent.headers.count).map(\.key)
                    == ["careloop_error_class", "careloop_error_message", "careloop_original_topic", "careloop_original_partition", "careloop_original_offset"],
                "\(expected.name): dead-letter headers: \(dead.headers)")
            #expect(dead.header("careloop_error_class").map(expected.errorClasses.contains) == true, "\(expected.name): error class (message: \(dead.header("careloop_error_message") ?? "-"))")
            let message = dead.header("careloop_error_message") ?? ""
            for field in expected.mentions {
                #expect(message.contains(field), "\(expected.name): careloop_error_message names \(field): \(message)")
            }
            #expect(!message.contains("138 0013 8000") && !message.contains(Submission.ownerName), "\(expected.name): no personal data in the message: \(message)")
            #expect(dead.header("careloop_original_topic") == Topic.intake.rawValue)
            #expect(dead.header("careloop_original_partition") == String(report.partition))
            #expect(dead.header("careloop_original_offset") == String(report.offset))
        }
        // Nothing else of this source was dead-lettered (wait a little for strays).
        try await Task.sleep(for: .seconds(1))
        let ofThisSource = clients.deadLetters(of: .intake).filter { $0.header("ce_source") == source }
        #expect(ofThisSource.count == 3, "dead letters of this source: \(ofThisSource.map(\.headers))\(stack.logs())")
    }

    /// Whole run: intake, routing and the topic agree on the set of cases, each registered once; exactly
    /// `deadLetters` records on `careloop.intake.v1.dlt` and none on `careloop.cases.v1.dlt`.
    private func checkWholeRun(_ stack: PipelineStack, _ clients: PipelineClients, deadLetters: Int) async throws {
        let intake = Set(try await stack.intakeCases().map(\.caseID))
        #expect(
            await eventually(timeout: Self.patience) { (try? await Set(stack.routingCases().map(\.caseID))) == intake },
            "routing's cases differ from intake's\(stack.logs())")
        #expect(
            await eventually(timeout: Self.patience) { Set(clients.registeredEvents.compactMap(\.caseUUID)) == intake },
            "registered events differ from intake's cases\(stack.logs())")
        try await Task.sleep(for: .seconds(1))
        let events = clients.registeredEvents
        #expect(events.count == intake.count, "registered events: \(events.count) for \(intake.count) cases\(stack.logs())")
        let routingCount = try await stack.routingCases().count
        #expect(routingCount == intake.count, "routing has \(routingCount) cases, intake \(intake.count)\(stack.logs())")
        #expect(clients.deadLetters(of: .intake).count == deadLetters, "dead letters on careloop.intake.v1.dlt\(stack.logs())")
        #expect(clients.deadLetters(of: .cases).isEmpty, "routing dead-lettered: \(clients.deadLetters(of: .cases).map(\.headers))\(stack.logs())")
        #expect(events.allSatisfy { !$0.record.mentions(Submission.ownerName) && !$0.record.mentions(Submission.ownerPhoneDigits) })
    }

    /// Check 5: SIGTERM stops intake and routing with exit status 0 within the timeout.
    private func checkGracefulShutdown(_ stack: PipelineStack) async throws {
        for service in PipelineService.allCases {
            let (status, took) = await stack.terminate(service, timeout: .seconds(20))
            #expect(status == 0, "\(service) exit status after SIGTERM (took \(took))\(stack.logs())")
        }
    }

    // MARK: Check 4: crash recovery

    @Test("intake killed with SIGKILL mid-stream and restarted: exactly 200 cases, 200 routed, nothing doubled")
    func crashRecovery() async throws {
        let total = 200
        // Small batches so the kill lands in the middle of the work: consumer batches of 10 records, outbox batches
        // of 25 rows; a short session so the dead member leaves the group quickly.
        let intakeTuning = [
            "CARELOOP_KAFKA_CONSUMER_MAX_BATCH": "10",
            "CARELOOP_OUTBOX_BATCH_SIZE": "25",
            "CARELOOP_KAFKA_CONSUMER_SESSION_TIMEOUT_MS": "3000",
        ]
        try await PipelineStack.with("crash", environment: [.intake: intakeTuning]) { stack in
            let clients = try PipelineClients(stack)
            try await withRunning([clients.producer, clients.casesConsumer, clients.deadLetterConsumer]) {
                try await stack.waitUntilReady()
                let source = "crm://acme/hotline"
                let properties = [("shenzhen", "SZ-FSG"), ("wuhan", "WH-LKC"), ("beijing", "BJ-01"), ("shanghai", "SH-XJH")]
                let submissions = (0..<total).map { index in
                    let (city, project) = properties[index % properties.count]
                    return Submission.make(source: source, id: "crash-\(index)", city: city, project: project)
                }
                // First half; once intake has registered at least 50 of them and its outbox relay is publishing,
                // the second half, and the kill while intake works through it: records not yet consumed, offsets
                // not yet committed, outbox rows unsent or published but not yet marked.
                let half = total / 2
                try await clients.send(Array(submissions[..<half]))
                let relaying = await eventually(timeout: .seconds(60)) {
                    let registered = await stack.count(.intake)
                    let published = await stack.count(.intake, "outbox", where: "sent_at IS NOT NULL")
                    return registered >= 50 && published >= 1
                }
                try #require(relaying, "intake never reached 50 cases with its relay publishing\(stack.logs())")
                try await clients.send(Array(submissions[half...]))
                _ = await eventually(timeout: .seconds(10)) { await stack.count(.intake) >= half + 10 }
                stack.kill9(.intake)
                let atKill = await stack.count(.intake)
                let unsentAtKill = await stack.count(.intake, "outbox", where: "sent_at IS NULL")
                let routedAtKill = await stack.count(.routing)
                let crashState = "killed at \(atKill) cases, \(unsentAtKill) unsent outbox rows, \(routedAtKill) routed"
                #expect(atKill < total, "the kill came after intake had registered everything; no crash was tested (\(crashState))")

                try stack.start(.intake)
                try await stack.waitUntilReady([.intake])
                let done = await eventually(timeout: .seconds(90)) {
                    let intake = await stack.count(.intake)
                    let routing = await stack.count(.routing)
                    return intake >= total && routing >= total
                }
                let (intakeCount, routingCount) = (await stack.count(.intake), await stack.count(.routing))
                #expect(done, "after the restart: intake \(intakeCount), routing \(routingCount) (\(crashState))\(stack.logs())")
                #expect(
                    await eventually(timeout: Self.patience) { Set(clients.registeredEvents.compactMap(\.caseID)).count >= total },
                    "registered case ids seen: \(Set(clients.registeredEvents.compactMap(\.caseID)).count)\(stack.logs())")
                try await Task.sleep(for: .seconds(1.5))

                let intake = try await stack.intakeCases(source: source)
                #expect(intake.count == total, "intake cases (\(crashState))\(stack.logs())")
                #expect(Set(intake.map(\.externalID)) == Set(submissions.map { $0.id! }), "every submission has a case\(stack.logs())")
                #expect(Set(intake.map(\.caseID)).count == intake.count, "no case id doubled in intake")
                #expect(Set(intake.map(\.reference)).count == intake.count, "no reference doubled")
                #expect(try await stack.intakeCases().count == total, "no case of another source")

                let routing = try await stack.routingCases()
                #expect(routing.count == total, "routing cases (\(crashState))\(stack.logs())")
                #expect(Set(routing.map(\.caseID)).count == routing.count, "no case id doubled in routing")
                #expect(Set(routing.map(\.caseID)) == Set(intake.map(\.caseID)), "routing has exactly intake's cases\(stack.logs())")
                let referenceByCase = Dictionary(uniqueKeysWithValues: intake.map { ($0.caseID, $0.reference) })
                #expect(routing.allSatisfy { referenceByCase[$0.caseID] == $0.reference }, "routing's references match intake's")

                // On the topic: at least once, so a republished event may repeat, but every case id belongs to one
                // submission and every submission to one case id.
                let events = clients.registeredEvents
                #expect(Set(events.compactMap(\.caseUUID)) == Set(intake.map(\.caseID)), "registered case ids = intake's\(stack.logs())")
                let caseIDsPerSubmission = Dictionary(grouping: events, by: { $0.externalID ?? "" }).mapValues { Set($0.map(\.caseID)) }
                #expect(caseIDsPerSubmission.count == total && caseIDsPerSubmission.values.allSatisfy { $0.count == 1 },
                    "a submission registered under several case ids: \(caseIDsPerSubmission.filter { $0.value.count != 1 })")
                #expect(clients.deadLetters.records.isEmpty, "dead letters: \(clients.deadLetters.records.map(\.headers))\(stack.logs())")
                #expect(await stack.count(.intake, "outbox", where: "sent_at IS NULL") == 0, "intake's outbox drained\(stack.logs())")
            }
            try await checkGracefulShutdown(stack)
        }
    }

    // MARK: Dead-letter rules of the contract's additions

    @Test("dead-letter rules of the contract: malformed_json for invalid JSON, unknown_type for a type the topic does not carry, a replayed record that fails again is dead-lettered again")
    func deadLetterContractRules() async throws {
        try await PipelineStack.with("dlt") { stack in
            let clients = try PipelineClients(stack)
            try await withRunning([clients.producer, clients.casesConsumer, clients.deadLetterConsumer]) {
                try await stack.waitUntilReady()
                let source = "crm://acme/hotline"
                var malformed = Submission.make(source: source, id: "malformed")
                malformed.value = Array("Kitchen tap leaking, please call back".utf8)
                // A known CareLoop type that belongs on careloop.cases.v1, not on careloop.intake.v1.
                let wrongTopic = ProducerRecord(
                    topic: Topic.intake.rawValue, key: Array(malformed.key.utf8), value: Array(#"{"case_id":"c-1"}"#.utf8),
                    headers: malformed.headers.map {
                        $0.key == "ce_type" ? RecordHeader(key: "ce_type", string: EventType.caseRegistered.rawValue)
                            : $0.key == "ce_id" ? RecordHeader(key: "ce_id", string: "wrong-topic") : $0
                    })
                // A type no contract version defines.
                var unknown = Submission.make(source: source, id: "unknown-type").record
                unknown.headers = unknown.headers.map { $0.key == "ce_type" ? RecordHeader(key: "ce_type", string: "careloop.voice.whispered") : $0 }
                let invalid = Submission.make(source: source, id: "invalid", description: nil)
                let sentinel = Submission.make(source: source, id: "sentinel-1")
                let sent = [malformed.record, wrongTopic, unknown, invalid.record, sentinel.record]
                let reports = try await clients.producer.send(sent).map { try $0.get() }
                #expect(
                    await eventually(timeout: Self.patience) { (try? await stack.intakeCases(source: source).map(\.externalID)) == ["sentinel-1"] },
                    "the good record after the bad ones was not registered\(stack.logs())")
                func deadLetter(for report: DeliveryReport) -> ConsumedRecord? {
                    clients.deadLetters(of: .intake).first {
                        $0.header("careloop_original_partition") == String(report.partition)
                            && $0.header("careloop_original_offset") == String(report.offset)
                    }
                }
                // The dead letters are published after the batch committed: give them a moment.
                _ = await eventually(timeout: .seconds(5)) { reports.prefix(4).allSatisfy { deadLetter(for: $0) != nil } }

                let invalidDead = deadLetter(for: reports[3])
                #expect(invalidDead?.header("careloop_error_class") == "validation", "invalid data: \(invalidDead?.headers ?? [])")
                #expect(deadLetter(for: reports[2])?.header("careloop_error_class") == "unknown_type", "a type no contract defines")
                let malformedDead = deadLetter(for: reports[0])
                #expect(
                    malformedDead?.header("careloop_error_class") == "malformed_json",
                    """
                    a value that is not JSON is dead-lettered as `malformed_json` (docs/integration-contract.md, Dead-letter \
                    records; DeadLetterErrorClass.malformedJSON); got \(malformedDead?.header("careloop_error_class") ?? "no dead letter"): \
                    \(malformedDead?.header("careloop_error_message") ?? "")
                    """)
                let wrongTopicDead = deadLetter(for: reports[1])
                let wrongTopicOutcome = wrongTopicDead?.header("careloop_error_class") ?? "nothing: the record was dropped silently"
                #expect(
                    wrongTopicDead?.header("careloop_error_class") == "unknown_type",
                    """
                    a careloop.case.registered record on careloop.intake.v1 (a ce_type the topic does not carry) must go to \
                    careloop.intake.v1.dlt as `unknown_type`; got \(wrongTopicOutcome)
                    """)

                // Replay the invalid record's dead letter as it is (key, value, headers with the careloop_* ones), then a
                // good record on the same key: once that one is registered, the replay was handled.
                let dead = try #require(invalidDead, "invalid data was not dead-lettered\(stack.logs())")
                let replay = ProducerRecord(topic: Topic.intake.rawValue, key: dead.key, value: dead.value ?? [], headers: dead.headers)
                let replayReport = try await clients.producer.send(replay)
                try await clients.send(Submission.make(source: source, id: "sentinel-2"))
                #expect(
                    await eventually(timeout: Self.patience) {
                        (try? await stack.intakeCases(source: source).map(\.externalID)) == ["sentinel-1", "sentinel-2"]
                    }, "the record after the replay was not registered\(stack.logs())")
                let again = await eventually(timeout: .seconds(5)) { deadLetter(for: replayReport) != nil }
                #expect(
                    again,
                    """
                    the replayed record (still invalid) was dropped silently instead of being dead-lettered again \
                    (contract: "A record replayed from a dead-letter topic that fails again carries only the newest five \
                    careloop_* headers"): intake's inbox kept the (ce_source, ce_id) of the rejected event\(stack.logs(lines: 12))
                    """)
                if again, let second = deadLetter(for: replayReport) {
                    #expect(second.headers.filter { $0.key == "careloop_error_class" }.count == 1, "only the newest careloop_* headers")
                    #expect(second.header("careloop_error_class") == "validation")
                    #expect(second.header("ce_id") == "invalid")
                }
                #expect(try await stack.intakeCases(source: source).count == 2, "no case from the bad records")
                #expect(clients.deadLetters(of: .cases).isEmpty)
            }
        }
    }
}
