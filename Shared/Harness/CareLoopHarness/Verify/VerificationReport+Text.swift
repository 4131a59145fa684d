import Foundation

extension VerificationReport {
    /// The report for people: counts, findings with examples, dead letters, latency table, recovery.
    package var text: String {
        var lines: [String] = []
        let s = submissions
        lines.append("submissions   \(s.total) sent (\(s.valid) new, \(s.duplicates) duplicates, \(s.malformed) malformed; \(s.topic) topic, \(s.http) HTTP), \(s.accepted) accepted, \(s.notAccepted) never accepted")
        var caseLine = "cases         \(cases.expected) expected, \(cases.registered) registered, \(cases.routed) routed"
        if let stored = cases.registeredInDatabase { caseLine += "; intake table \(stored)" }
        if let routed = cases.routedInDatabase { caseLine += ", routing table \(routed)" }
        caseLine += "; \(cases.other) other cases, \(cases.republishedEvents) republished events"
        lines.append(caseLine)
        if drain != "drained" {
            lines.append("drain         \(drain): \(cases.backlog) cases still in the backlog when the drain limit ran out")
        }
        for (topic, dropped) in truncatedTopics.sorted(by: { $0.key < $1.key }) {
            lines.append("retention     \(topic) had dropped its oldest \(dropped) records; the tables stand in for them")
        }
        lines.append("duplicates    \(duplicates.sent) resent, \(duplicates.suppressed) suppressed")
        let classes = deadLetters.byClass.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("dead letters  \(deadLetters.total) (\(classes.isEmpty ? "none" : classes)); malformed: \(deadLetters.malformedDeadLettered) dead-lettered, \(deadLetters.malformedRejectedOverHTTP) rejected over HTTP")
        for (pair, count) in deadLetters.unexpectedClasses.sorted(by: { $0.key < $1.key }) {
            lines.append("              unexpected class: \(pair) × \(count)")
        }
        let g = groupIncidents
        lines.append("group         \(g.incidents) incidents, \(g.mergedCases) cases merged; bursts: \(g.bursts) sent, \(g.burstsGrouped) grouped, \(g.burstsPartlyGrouped) partly")
        lines.append(workOrders.checked ? "work orders   \(workOrders.opened) of \(workOrders.due) due opened" : "work orders   not checked (no events on careloop.workorders.v1)")
        for (title, findings) in [("LOST", lost), ("DOUBLED", doubled), ("CONTRACT", contractViolations)] {
            lines.append("\(title.padding(toLength: 14, withPad: " ", startingAt: 0))\(findings.count)")
            for finding in findings.samples.prefix(10) {
                let ids = finding.caseIDs.isEmpty ? "" : " cases \(finding.caseIDs.joined(separator: ","))"
                lines.append("              #\(finding.sequence.map(String.init) ?? "-") \(finding.id ?? "-")\(ids): \(finding.why)")
            }
        }
        if !latency.isEmpty {
            lines.append("latency (ms)  hop                               count      p50      p95      p99      max")
            for (hop, summary) in latency.sorted(by: { $0.key < $1.key }) {
                lines.append(
                    "              " + hop.padding(toLength: 32, withPad: " ", startingAt: 0)
                        + [String(summary.count), format(summary.p50), format(summary.p95), format(summary.p99), format(summary.max)]
                        .map { $0.leftPadded(to: 9) }.joined())
            }
        }
        if let throughput {
            lines.append(String(format: "throughput    %.0f cases/s from the first submission to the last routed case, %.0f cases/s steady (10th–90th percentile)", throughput.casesPerSecond, throughput.steadyCasesPerSecond))
        }
        for item in recovery {
            let first = item.firstRoutedSeconds.map { String(format: "%.2f s", $0) } ?? "never"
            let all = item.allPartitionsSeconds.map { String(format: "%.2f s", $0) } ?? "never"
            let output = item.signal == .workOrdersOpened ? "work order opened" : "routed case"
            lines.append("recovery      \(item.fault): first \(output) \(first) after the fault cleared, every partition \(all)")
        }
        lines.append(passed ? "RESULT        passed: nothing lost, nothing doubled" : "RESULT        FAILED")
        return lines.joined(separator: "\n")
    }

    private func format(_ milliseconds: Double) -> String {
        String(format: "%.1f", milliseconds)
    }
}

extension String {
    /// The string right-aligned in `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
