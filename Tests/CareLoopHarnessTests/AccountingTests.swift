import CareLoopContracts
import CareLoopHarness
import Foundation
import Testing

/// A synthetic run: manifest entries and what the verifier "observed", built step by step.
private struct SyntheticRun {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    var entries: [ManifestEntry] = []
    var observations = Observations()

    init(database: Bool = true) {
        if database {
            observations.intakeCases = []
            observations.routingRoutedCaseIDs = []
        }
    }

    /// A submission sent at `start + at` seconds; accepted on partition 0 at offset = sequence unless told otherwise.
    @discardableResult
    mutating func submit(
        _ id: String?, _ expected: SubmissionExpectation = .valid, transport: Transport = .topic, at: Double = 0, accepted: Bool = true,
        httpStatus: Int? = nil, caseID: String? = nil, burst: String? = nil
    ) -> ManifestEntry {
        var entry = ManifestEntry(
            sequence: entries.count, transport: transport, source: "crm://acme/hotline", id: id, key: "shenzhen/SZ-FSG", expected: expected,
            burst: burst, sentAt: Timestamp(Self.start.addingTimeInterval(at)))
        entry.accepted = accepted
        entry.attempts = 1
        entry.httpStatus = httpStatus
        entry.caseID = caseID
        if transport == .topic, accepted {
            entry.partition = 0
            entry.offset = Int64(entries.count)
        }
        entries.append(entry)
        return entry
    }

    /// A registered event (and intake row) for case `caseID` of submission `id`.
    mutating func register(_ caseID: String, for id: String, at: Double = 0.05, eventID: String? = nil, inDatabase: Bool = true) {
        observations.caseEvents.append(
            CaseEventObservation(
                type: EventType.caseRegistered.rawValue, eventID: eventID ?? "\(caseID).registered", caseID: caseID,
                externalSource: "crm://acme/hotline", externalID: id, eventTime: Self.start.addingTimeInterval(at)))
        if inDatabase { observations.intakeCases?.append(StoredCase(caseID: caseID, source: "crm://acme/hotline", externalID: id)) }
    }

    /// A routed event for `caseID`.
    mutating func route(
        _ caseID: String, at: Double = 0.1, eventID: String? = nil, partition: Int32 = 0, requiresWorkOrder: Bool? = nil, incident: String? = nil
    ) {
        observations.caseEvents.append(
            CaseEventObservation(
                type: EventType.caseRouted.rawValue, eventID: eventID ?? "\(caseID).routed", caseID: caseID,
                eventTime: Self.start.addingTimeInterval(at), appendTime: Self.start.addingTimeInterval(at + 0.01), partition: partition,
                groupIncidentID: incident, requiresWorkOrder: requiresWorkOrder))
        observations.routingRoutedCaseIDs?.insert(caseID)
    }

    /// Registered and routed.
    mutating func handle(_ id: String, caseID: String, at: Double = 0) {
        register(caseID, for: id, at: at + 0.05)
        route(caseID, at: at + 0.1)
    }

    mutating func merge(_ caseID: String, into incident: String) {
        observations.caseEvents.append(
            CaseEventObservation(
                type: EventType.caseMerged.rawValue, eventID: "\(caseID).merged", caseID: caseID, eventTime: Self.start.addingTimeInterval(1),
                groupIncidentID: incident))
    }

    mutating func deadLetter(of entry: ManifestEntry, errorClass: String) {
        observations.deadLetters.append(
            DeadLetterObservation(
                topic: Topic.intake.deadLetter.rawValue, source: entry.source, id: entry.id, errorClass: errorClass, message: "bad",
                originalTopic: Topic.intake.rawValue, originalPartition: entry.partition, originalOffset: entry.offset))
    }

    mutating func openWorkOrder(_ workOrderID: String, for caseID: String, at: Double = 0.3) {
        observations.workOrderEvents.append(
            WorkOrderObservation(
                type: EventType.workOrderOpened.rawValue, eventID: "\(workOrderID).opened", workOrderID: workOrderID, caseID: caseID,
                eventTime: Self.start.addingTimeInterval(at)))
    }

    func verify(faults: [FaultWindow] = [], drain: DrainOutcome = .drained(.zero)) -> VerificationReport {
        Accounting.verify(manifest: entries, observations: observations, faults: faults, drain: drain)
    }
}

@Suite("Verifier accounting: lost, doubled, duplicates, dead letters, work orders, recovery")
struct AccountingTests {
    @Test("a clean run: every submission one case, registered and routed; duplicates suppressed; the malformed one dead-lettered")
    func clean() {
        var run = SyntheticRun()
        for index in 0..<3 {
            run.submit("s\(index)", at: Double(index))
            run.handle("s\(index)", caseID: "c\(index)", at: Double(index))
        }
        run.submit("s1", .duplicate(of: 1))
        let bad = run.submit("s9", .malformed(.badPhone))
        run.deadLetter(of: bad, errorClass: "validation")
        let report = run.verify()
        #expect(report.passed, "\(report.text)")
        #expect(report.cases.expected == 3 && report.cases.registered == 3 && report.cases.routed == 3)
        #expect(report.cases.registeredInDatabase == 3 && report.cases.routedInDatabase == 3)
        #expect(report.duplicates.sent == 1 && report.duplicates.suppressed == 1)
        #expect(report.deadLetters.total == 1 && report.deadLetters.malformedDeadLettered == 1 && report.deadLetters.unexpectedClasses.isEmpty)
        #expect(report.submissions.total == 5 && report.submissions.duplicates == 1 && report.submissions.malformed == 1)
        #expect(report.latency["submission_to_routed"]?.count == 3)
        #expect(abs((report.latency["submission_to_routed"]?.p50 ?? 0) - 100) < 0.5, "100 ms from sending to routing")
        #expect(abs((report.latency["registered_to_routed"]?.max ?? 0) - 50) < 0.5)
    }

    @Test("LOST: no case; a case never routed; a case in the table without its event; a malformed record found nowhere")
    func lost() {
        var run = SyntheticRun()
        run.submit("nothing")
        run.submit("unrouted")
        run.register("c-unrouted", for: "unrouted")
        run.submit("silent")
        run.observations.intakeCases?.append(StoredCase(caseID: "c-silent", source: "crm://acme/hotline", externalID: "silent"))
        run.route("c-silent")
        run.submit("bad", .malformed(.badJSON))
        let report = run.verify()
        #expect(!report.passed)
        #expect(report.lost.count == 4, "\(report.lost.samples.map(\.why))")
        let reasons = Set(report.lost.samples.map(\.why))
        #expect(reasons.contains("no case registered"))
        #expect(reasons.contains("registered but never routed"))
        #expect(reasons.contains("case id without a careloop.case.registered event"))
        #expect(reasons.contains("bad_json record neither dead-lettered nor registered"))
        #expect(report.doubled.count == 0)
    }

    @Test("a lost submission says whether it ever reached careloop.intake.v1")
    func lostWhere() {
        var run = SyntheticRun()
        run.submit("on-topic")
        var ghost = run.submit("ghost")
        ghost.offset = -1001
        run.entries[1] = ghost
        run.observations.submissionsOnTopic = ["on-topic": [SubmissionPosition(partition: 0, offset: 0)]]
        let reasons = Dictionary(uniqueKeysWithValues: run.verify().lost.samples.map { ($0.id ?? "", $0.why) })
        #expect(reasons["on-topic"] == "no case registered; on careloop.intake.v1 at [0]@0")
        #expect(reasons["ghost"] == "no case registered; never on careloop.intake.v1 although the producer reported it delivered ([0]@-1001)")
    }

    @Test("a drain that ran out while the pipeline still progressed leaves a backlog, not losses; a stalled one loses")
    func backlog() {
        var run = SyntheticRun()
        run.submit("done")
        run.handle("done", caseID: "c-done")
        run.submit("queued")
        run.register("c-queued", for: "queued")
        run.submit("not-yet")
        let progressing = run.verify(drain: .progressing)
        #expect(progressing.cases.backlog == 2 && progressing.lost.count == 0 && !progressing.passed)
        #expect(progressing.drain == "progressing")
        let stalled = run.verify(drain: .stalled)
        #expect(stalled.cases.backlog == 0 && stalled.lost.count == 2)
    }

    @Test("events dropped by the broker's retention: the tables stand in; a routed row without its event on an intact topic is lost")
    func retention() {
        var run = SyntheticRun()
        run.submit("old")
        run.observations.intakeCases?.append(StoredCase(caseID: "c-old", source: "crm://acme/hotline", externalID: "old"))
        run.observations.routingRoutedCaseIDs?.insert("c-old")
        var report = run.verify()
        #expect(report.lost.count == 2, "an intact topic must carry the events: \(report.lost.samples.map(\.why))")
        run.observations.truncated = [Topic.cases.rawValue: 1_000]
        report = run.verify()
        #expect(report.lost.count == 0 && report.truncatedTopics == [Topic.cases.rawValue: 1_000])
    }

    @Test("a valid submission that was dead-lettered is lost, with the dead letter as the reason")
    func deadLetteredValid() {
        var run = SyntheticRun()
        let entry = run.submit("valid-but-rejected")
        run.deadLetter(of: entry, errorClass: "validation")
        let report = run.verify()
        #expect(report.lost.count == 1)
        #expect(report.lost.samples.first?.why.hasPrefix("dead-lettered as validation") == true)
    }

    @Test("submissions never accepted by the broker are not lost")
    func notAccepted() {
        var run = SyntheticRun()
        run.submit("gave-up", accepted: false)
        let report = run.verify()
        #expect(report.passed)
        #expect(report.submissions.notAccepted == 1 && report.cases.expected == 0)
    }

    @Test("DOUBLED: one submission, two case ids; one case routed under two event ids — but a republished event is not doubled")
    func doubled() {
        var run = SyntheticRun()
        run.submit("twice")
        run.handle("twice", caseID: "c-a")
        run.handle("twice", caseID: "c-b")
        run.submit("routed-twice")
        run.register("c-r", for: "routed-twice")
        run.route("c-r", eventID: "c-r.routed")
        run.route("c-r", eventID: "c-r.routed-again")
        run.submit("republished")
        run.handle("republished", caseID: "c-p")
        run.route("c-p")  // the outbox sent the same event (same ce_id) again
        run.register("c-p", for: "republished", inDatabase: false)
        let report = run.verify()
        #expect(report.doubled.count == 2, "\(report.doubled.samples.map(\.why))")
        #expect(report.doubled.samples.contains { $0.id == "twice" && $0.caseIDs == ["c-a", "c-b"] })
        #expect(report.doubled.samples.contains { $0.id == "routed-twice" })
        #expect(report.cases.republishedEvents == 2)
        #expect(report.lost.count == 0)
    }

    @Test("a duplicate that got its own case is doubled, not suppressed")
    func duplicateNotSuppressed() {
        var run = SyntheticRun()
        run.submit("d")
        run.submit("d", .duplicate(of: 0))
        run.handle("d", caseID: "c1")
        run.handle("d", caseID: "c2")
        let report = run.verify()
        #expect(report.duplicates.sent == 1 && report.duplicates.suppressed == 0)
        #expect(report.doubled.count == 1)
    }

    @Test("HTTP: the answered case id counts; a repeat answered with another case is doubled; a valid body answered 400 breaks the contract")
    func http() {
        var run = SyntheticRun()
        run.submit("h1", transport: .http, httpStatus: 201, caseID: "c-h1")
        run.submit("h1", .duplicate(of: 0), transport: .http, httpStatus: 200, caseID: "c-h1")
        run.handle("h1", caseID: "c-h1")
        run.submit("h2", transport: .http, httpStatus: 201, caseID: "c-h2")
        run.submit("h2", .duplicate(of: 2), transport: .http, httpStatus: 200, caseID: "c-other")
        run.handle("h2", caseID: "c-h2")
        run.submit("h3", transport: .http, accepted: false, httpStatus: 400)
        run.submit("h4", .malformed(.missingDescription), transport: .http, accepted: false, httpStatus: 400)
        let report = run.verify()
        #expect(report.duplicates.sent == 2 && report.duplicates.suppressed == 1)
        #expect(report.doubled.count == 1 && report.doubled.samples.first?.id == "h2")
        #expect(report.contractViolations.count == 1 && report.contractViolations.samples.first?.id == "h3")
        #expect(report.deadLetters.malformedRejectedOverHTTP == 1)
        #expect(report.lost.samples.contains { $0.id == "h2" && $0.why == "registered but never routed" }, "the second case id was never routed")
    }

    @Test("malformed but registered breaks the contract; an unexpected error class is reported, not failed")
    func malformed() {
        var run = SyntheticRun()
        run.submit("accepted-bad", .malformed(.unknownKind))
        run.handle("accepted-bad", caseID: "c-bad")
        let odd = run.submit("odd-class", .malformed(.badPhone))
        run.deadLetter(of: odd, errorClass: "handler_failed")
        let report = run.verify()
        #expect(report.contractViolations.count == 1)
        #expect(report.deadLetters.unexpectedClasses == ["bad_phone → handler_failed": 1])
        #expect(report.lost.count == 0 && report.doubled.count == 0)
    }

    @Test("work orders: not checked without events; then every due case needs exactly one")
    func workOrders() {
        var run = SyntheticRun()
        for index in 0..<3 {
            run.submit("w\(index)")
            run.register("c\(index)", for: "w\(index)")
            run.route("c\(index)", requiresWorkOrder: index < 2)
        }
        var report = run.verify()
        #expect(!report.workOrders.checked && report.passed, "dispatch not running: nothing to check")
        run.openWorkOrder("wo-1", for: "c0")
        report = run.verify()
        #expect(report.workOrders.checked && report.workOrders.due == 2 && report.workOrders.opened == 1)
        #expect(report.lost.count == 1 && report.lost.samples.first?.caseIDs == ["c1"])
        run.openWorkOrder("wo-2", for: "c1")
        run.openWorkOrder("wo-3", for: "c1")
        report = run.verify()
        #expect(report.lost.count == 0 && report.doubled.count == 1)
        #expect(abs((report.latency["routed_to_work_order"]?.p50 ?? 0) - 200) < 0.5)
    }

    @Test("bursts: grouped when all their cases merged into one incident")
    func bursts() {
        var run = SyntheticRun()
        for index in 0..<5 {
            run.submit("b1-\(index)", burst: "burst-1")
            run.handle("b1-\(index)", caseID: "b1c\(index)")
            run.merge("b1c\(index)", into: "incident-1")
            run.submit("b2-\(index)", burst: "burst-2")
            run.handle("b2-\(index)", caseID: "b2c\(index)")
            if index < 2 { run.merge("b2c\(index)", into: "incident-2") }
        }
        let report = run.verify()
        #expect(report.groupIncidents.bursts == 2 && report.groupIncidents.burstsGrouped == 1 && report.groupIncidents.burstsPartlyGrouped == 1)
        #expect(report.groupIncidents.incidents == 2 && report.groupIncidents.mergedCases == 7)
    }

    @Test("other cases (warm-up, earlier runs) are counted, not blamed")
    func otherCases() {
        var run = SyntheticRun()
        run.handle("not-in-manifest", caseID: "c-x")
        let report = run.verify()
        #expect(report.passed && report.cases.other == 1)
    }

    @Test("recovery: first routed case after the fault cleared, and until every partition routed again")
    func recovery() throws {
        var run = SyntheticRun()
        let cleared = SyntheticRun.start.addingTimeInterval(10)
        for (index, (time, partition)) in [(5.0, Int32(0)), (11.5, 0), (12.0, 1), (14.0, 2), (16.0, 2)].enumerated() {
            run.submit("r\(index)")
            run.register("rc\(index)", for: "r\(index)", at: time - 0.1)
            run.route("rc\(index)", at: time, partition: partition)
        }
        let report = run.verify(faults: [FaultWindow(name: "kill", injectedAt: SyntheticRun.start.addingTimeInterval(8), clearedAt: cleared)])
        let recovery = try #require(report.recovery.first)
        #expect(abs((recovery.firstRoutedSeconds ?? 0) - 1.5) < 0.001)
        #expect(abs((recovery.allPartitionsSeconds ?? 0) - 4.0) < 0.001)

        // A fault of repair dispatch recovers when work orders are opened again, whatever routing does.
        run.openWorkOrder("wo-before", for: "rc0", at: 9)
        run.openWorkOrder("wo-after", for: "rc1", at: 13)
        let dispatch = run.verify(faults: [FaultWindow(name: "kill dispatch", injectedAt: SyntheticRun.start.addingTimeInterval(8), clearedAt: cleared, signal: .workOrdersOpened)])
        #expect(dispatch.recovery.first?.signal == .workOrdersOpened)
        #expect(abs((dispatch.recovery.first?.firstRoutedSeconds ?? 0) - 3.0) < 0.001)
    }

    @Test("throughput: routed cases per second, overall and between the 10th and 90th percentile")
    func throughput() throws {
        var run = SyntheticRun()
        for index in 0..<100 {
            run.submit("t\(index)", at: 0)
            run.handle("t\(index)", caseID: "tc\(index)", at: 1 + Double(index) * 0.01)
        }
        let throughput = try #require(run.verify().throughput)
        #expect(abs(throughput.casesPerSecond - 100 / 2.09) < 0.5)
        #expect(abs(throughput.steadyCasesPerSecond - 100) < 1)
    }
}
