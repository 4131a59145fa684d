import CareLoopContracts
import Foundation

/// The verifier's bookkeeping, without I/O: compares a run's manifest with what was observed on the topics and in
/// the databases and produces the report. Rules:
///
/// - A submission (all manifest entries sharing one `ce_id` / `Idempotency-Key`) that was accepted and is not
///   malformed must have exactly one case id (on the topic, in intake's table, in HTTP answers): none is LOST, more
///   than one is DOUBLED. Its case must have a `registered` and a `routed` event (else LOST); two `routed` events
///   with different `ce_id`s are DOUBLED. The same event published twice (same `ce_id`) is only counted as republished.
/// - A malformed topic submission must be on `careloop.intake.v1.dlt` (matched by original partition and offset, or
///   `ce_source`/`ce_id`); one registered as a case violates the contract; one found nowhere is LOST. A malformed
///   HTTP submission must be answered 4xx.
/// - When `careloop.workorders.v1` carries events, every routed case with `requires_work_order` needs exactly one
///   work order.
/// - When the drain ran out of time while the pipeline was still progressing, cases not yet routed are BACKLOG, not
///   LOST. When a topic dropped its oldest records (the dev broker's retention), a missing event of a case the
///   tables show as registered / routed is not counted lost (the tables are the evidence).
package enum Accounting {
    /// The report for `manifest` given `observations`, with the recovery time of each of `faults`.
    package static func verify(
        manifest: [ManifestEntry], observations: Observations, faults: [FaultWindow] = [], drain: DrainOutcome = .drained(.zero)
    ) -> VerificationReport {
        var report = VerificationReport()
        var index = ObservationIndex(observations)
        index.backlogAllowed = drain.allowsBacklog
        report.drain = drain.name
        report.truncatedTopics = observations.truncated
        countSubmissions(manifest, into: &report)
        let caseIDsBySubmission = checkSubmissions(manifest, index: index, into: &report)
        checkMalformed(manifest, index: index, into: &report)
        let runCases = Set(caseIDsBySubmission.values.flatMap { $0 })
        report.cases.other = Set(index.registeredByCase.keys).subtracting(runCases).count
        report.cases.registered = runCases.count { index.registeredByCase[$0] != nil }
        report.cases.routed = runCases.count { index.routedByCase[$0] != nil }
        if let stored = observations.intakeCases {
            report.cases.registeredInDatabase = stored.count { runCases.contains($0.caseID) }
        }
        if let routedIDs = observations.routingRoutedCaseIDs {
            report.cases.routedInDatabase = runCases.count { routedIDs.contains($0) }
        }
        report.cases.republishedEvents = observations.caseEvents.count - Set(observations.caseEvents.map { "\($0.type) \($0.eventID)" }).count
        report.deadLetters.total = observations.deadLetters.count
        report.deadLetters.byClass = Dictionary(grouping: observations.deadLetters, by: \.errorClass).mapValues(\.count)
        checkGroupIncidents(manifest, caseIDsBySubmission: caseIDsBySubmission, index: index, into: &report)
        checkWorkOrders(runCases, index: index, observations: observations, into: &report)
        report.recovery = faults.map { fault in
            switch fault.signal {
            case .workOrdersOpened:
                recovery(from: fault, outputs: index.openedByCase.values.flatMap { $0 }.map { ($0.eventTime, $0.partition) })
            case .casesRouted:
                recovery(from: fault, outputs: index.routedEvents.map { ($0.eventTime, $0.partition) })
            }
        }
        report.throughput = throughput(manifest, runCases: runCases, index: index)
        return report
    }

    private static func countSubmissions(_ manifest: [ManifestEntry], into report: inout VerificationReport) {
        for entry in manifest {
            report.submissions.total += 1
            switch entry.expectation {
            case "duplicate": report.submissions.duplicates += 1
            case "malformed": report.submissions.malformed += 1
            default: report.submissions.valid += 1
            }
            if entry.transport == .topic { report.submissions.topic += 1 } else { report.submissions.http += 1 }
            if entry.accepted { report.submissions.accepted += 1 } else if entry.httpStatus == nil { report.submissions.notAccepted += 1 }
        }
    }

    /// Checks every submission that must become a case; returns its case ids by submission id.
    private static func checkSubmissions(
        _ manifest: [ManifestEntry], index: ObservationIndex, into report: inout VerificationReport
    ) -> [String: Set<String>] {
        var caseIDsBySubmission: [String: Set<String>] = [:]
        var hops = HopRecorders()
        let groups = Dictionary(grouping: manifest.filter { $0.mustRegister && $0.id != nil }, by: { $0.id! })
        for (id, entries) in groups.sorted(by: { $0.key < $1.key }) {
            let accepted = entries.filter(\.accepted)
            let sequence = entries.map(\.sequence).min()
            for rejected in entries where rejected.httpStatus.map({ (400..<500).contains($0) }) == true {
                report.contractViolations.add(.init(sequence: rejected.sequence, id: id, caseIDs: [], why: "valid submission answered \(rejected.error ?? "4xx")"))
            }
            guard !accepted.isEmpty else { continue }
            report.cases.expected += 1
            var caseIDs = Set(index.registeredByExternalID[id, default: []].map(\.caseID))
            caseIDs.formUnion(index.storedByExternalID[id, default: []])
            caseIDs.formUnion(accepted.compactMap(\.caseID))
            caseIDsBySubmission[id] = caseIDs
            if caseIDs.isEmpty, index.backlogAllowed {
                report.cases.backlog += 1
                continue
            }
            if caseIDs.isEmpty {
                let why = index.deadLettersByID[id].map { "dead-lettered as \($0.errorClass): \($0.message.prefix(200))" }
                    ?? "no case registered" + whereSent(accepted, id: id, observations: index.submissionsOnTopic)
                report.lost.add(.init(sequence: sequence, id: id, caseIDs: [], why: why))
                continue
            }
            if caseIDs.count > 1 {
                report.doubled.add(.init(sequence: sequence, id: id, caseIDs: caseIDs.sorted(), why: "one submission, \(caseIDs.count) case ids"))
            }
            let resends = accepted.count - 1
            report.duplicates.sent += resends
            if caseIDs.count == 1 { report.duplicates.suppressed += resends }
            for caseID in caseIDs.sorted() {
                checkCase(caseID, id: id, sequence: sequence, index: index, into: &report)
            }
            if caseIDs.count == 1, let caseID = caseIDs.first, let sentAt = accepted.map(\.sentAt.date).min() {
                hops.record(sentAt: sentAt, caseID: caseID, index: index)
            }
        }
        report.latency = hops.summaries
        return caseIDsBySubmission
    }

    /// Where the lost submission went: on `careloop.intake.v1` (lost after the broker) or not (lost before it).
    private static func whereSent(_ entries: [ManifestEntry], id: String, observations: [String: [SubmissionPosition]]?) -> String {
        guard entries.contains(where: { $0.transport == .topic }), let onTopic = observations else { return "" }
        if let positions = onTopic[id], !positions.isEmpty {
            return "; on careloop.intake.v1 at \(positions.map(\.description).joined(separator: ", "))"
        }
        let reported = entries.compactMap { entry in entry.offset.map { "[\(entry.partition ?? -1)]@\($0)" } }.joined(separator: ", ")
        return "; never on careloop.intake.v1 although the producer reported it delivered (\(reported))"
    }

    private static func checkCase(_ caseID: String, id: String, sequence: Int?, index: ObservationIndex, into report: inout VerificationReport) {
        let casesTruncated = index.truncatedCases
        if index.registeredByCase[caseID] == nil, !(casesTruncated && index.storedCaseIDs.contains(caseID)) {
            report.lost.add(.init(sequence: sequence, id: id, caseIDs: [caseID], why: "case id without a careloop.case.registered event"))
        }
        let routedEvents = index.routedByCase[caseID, default: []]
        let routedInTable = index.routedInTable?.contains(caseID) == true
        if routedEvents.isEmpty, casesTruncated, routedInTable {
            return  // its events were dropped by the broker's retention; routing's table shows it routed
        }
        if routedEvents.isEmpty, index.backlogAllowed, !routedInTable {
            report.cases.backlog += 1
        } else if routedEvents.isEmpty {
            report.lost.add(.init(sequence: sequence, id: id, caseIDs: [caseID], why: "registered but never routed"))
        } else if Set(routedEvents.map(\.eventID)).count > 1 {
            report.doubled.add(.init(sequence: sequence, id: id, caseIDs: [caseID], why: "routed \(Set(routedEvents.map(\.eventID)).count) times under different event ids"))
        }
    }

    private static func checkMalformed(_ manifest: [ManifestEntry], index: ObservationIndex, into report: inout VerificationReport) {
        for entry in manifest where entry.expectation == "malformed" {
            let reason = entry.reason?.rawValue ?? "malformed"
            if entry.transport == .http {
                if let status = entry.httpStatus, (400..<500).contains(status), status != 429 {
                    report.deadLetters.malformedRejectedOverHTTP += 1
                } else if entry.accepted {
                    report.contractViolations.add(.init(sequence: entry.sequence, id: entry.id, caseIDs: entry.caseID.map { [$0] } ?? [], why: "\(reason) accepted over HTTP"))
                }
                continue
            }
            guard entry.accepted else { continue }
            let byOrigin = entry.partition.flatMap { partition in entry.offset.flatMap { index.deadLettersByOrigin[OriginKey(partition: partition, offset: $0)] } }
            if let deadLetter = byOrigin ?? entry.id.flatMap({ index.deadLettersByID[$0] }) {
                report.deadLetters.malformedDeadLettered += 1
                if let expected = entry.reason?.expectedErrorClasses, !expected.contains(deadLetter.errorClass) {
                    report.deadLetters.unexpectedClasses["\(reason) → \(deadLetter.errorClass)", default: 0] += 1
                }
            } else if let id = entry.id, let cases = index.registeredByExternalID[id], !cases.isEmpty {
                report.contractViolations.add(.init(sequence: entry.sequence, id: id, caseIDs: Set(cases.map(\.caseID)).sorted(), why: "\(reason) registered as a case"))
            } else {
                report.lost.add(.init(sequence: entry.sequence, id: entry.id, caseIDs: [], why: "\(reason) record neither dead-lettered nor registered"))
            }
        }
    }

    private static func checkGroupIncidents(
        _ manifest: [ManifestEntry], caseIDsBySubmission: [String: Set<String>], index: ObservationIndex, into report: inout VerificationReport
    ) {
        report.groupIncidents.incidents = Set(index.incidentByCase.values).count
        report.groupIncidents.mergedCases = index.mergedCaseIDs.count
        let bursts = Dictionary(grouping: manifest.filter { $0.burst != nil && $0.accepted }, by: { $0.burst! })
        report.groupIncidents.bursts = bursts.count
        for entries in bursts.values {
            let caseIDs = entries.compactMap(\.id).flatMap { caseIDsBySubmission[$0, default: []] }
            let incidents = caseIDs.compactMap { index.incidentByCase[$0] }
            if !caseIDs.isEmpty, incidents.count == caseIDs.count, Set(incidents).count == 1 {
                report.groupIncidents.burstsGrouped += 1
            } else if !incidents.isEmpty {
                report.groupIncidents.burstsPartlyGrouped += 1
            }
        }
    }

    private static func checkWorkOrders(_ runCases: Set<String>, index: ObservationIndex, observations: Observations, into report: inout VerificationReport) {
        report.workOrders.checked = !observations.workOrderEvents.isEmpty
        var latency = LatencyRecorder()
        for caseID in runCases.sorted() {
            guard let firstRouted = index.routedByCase[caseID]?.min(by: { $0.eventTime < $1.eventTime }), firstRouted.requiresWorkOrder == true else { continue }
            report.workOrders.due += 1
            let opened = index.openedByCase[caseID, default: []]
            if !opened.isEmpty {
                report.workOrders.opened += 1
                if let first = opened.map(\.eventTime).min() { latency.record(from: firstRouted.eventTime, to: first) }
            }
            guard report.workOrders.checked else { continue }
            if opened.isEmpty {
                report.lost.add(.init(sequence: nil, id: firstRouted.externalID, caseIDs: [caseID], why: "routed with requires_work_order but no work order opened"))
            } else if Set(opened.map(\.workOrderID)).count > 1 {
                report.doubled.add(.init(sequence: nil, id: firstRouted.externalID, caseIDs: [caseID], why: "\(Set(opened.map(\.workOrderID)).count) work orders opened for one case"))
            }
        }
        if latency.summary.count > 0 { report.latency["routed_to_work_order"] = latency.summary }
    }

    /// Routed cases per second of the run, overall and between the 10th and 90th percentile of routing times.
    static func throughput(_ manifest: [ManifestEntry], runCases: Set<String>, index: ObservationIndex) -> VerificationReport.Throughput? {
        let routedTimes = runCases.compactMap { index.routedByCase[$0]?.map(\.eventTime).min() }.sorted()
        guard let first = manifest.filter(\.accepted).map(\.sentAt.date).min(), let last = routedTimes.last, routedTimes.count >= 10 else {
            return nil
        }
        let low = routedTimes.count / 10
        let high = routedTimes.count * 9 / 10
        let steadySpan = routedTimes[high].timeIntervalSince(routedTimes[low])
        return VerificationReport.Throughput(
            firstSentAt: first, lastRoutedAt: last, casesPerSecond: Double(routedTimes.count) / max(last.timeIntervalSince(first), 0.001),
            steadyCasesPerSecond: steadySpan > 0 ? Double(high - low) / steadySpan : 0)
    }

    /// Time from a fault clearing to the first output (routed case or opened work order, by event time), and until
    /// every partition had one again.
    static func recovery(from fault: FaultWindow, outputs: [(time: Date, partition: Int32)]) -> VerificationReport.Recovery {
        let after = outputs.filter { $0.time >= fault.clearedAt }
        let first = after.map(\.time).min()
        let perPartition = Dictionary(grouping: after, by: \.partition).values.compactMap { $0.map(\.time).min() }
        return VerificationReport.Recovery(
            fault: fault.name, signal: fault.signal, injectedAt: fault.injectedAt, clearedAt: fault.clearedAt,
            firstRoutedSeconds: first.map { $0.timeIntervalSince(fault.clearedAt) },
            allPartitionsSeconds: perPartition.max().map { $0.timeIntervalSince(fault.clearedAt) })
    }
}

/// A fault injected during a run: from when to when it was in effect, and which output shows recovery.
package struct FaultWindow: Sendable, Hashable, Codable {
    /// The output whose return after the fault marks recovery.
    package enum Signal: String, Sendable, Hashable, Codable {
        /// `careloop.case.routed` events (the main path).
        case casesRouted = "cases_routed"
        /// `careloop.workorder.opened` events (a fault of repair dispatch).
        case workOrdersOpened = "work_orders_opened"
    }

    package var name: String
    package var injectedAt: Date
    /// When the fault was taken away (the process restarted, the broker up again); for a fault that is never
    /// undone (a replica killed for good) the moment it happened.
    package var clearedAt: Date
    package var signal: Signal

    package init(name: String, injectedAt: Date, clearedAt: Date, signal: Signal = .casesRouted) {
        self.name = name
        self.injectedAt = injectedAt
        self.clearedAt = clearedAt
        self.signal = signal
    }
}

/// A dead letter's origin on `careloop.intake.v1`.
struct OriginKey: Hashable {
    var partition: Int32
    var offset: Int64
}
