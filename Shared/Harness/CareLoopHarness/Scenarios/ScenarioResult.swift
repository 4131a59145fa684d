import Foundation

/// The outcome of one chaos scenario: the verification report, the faults and whether every recovery was in time.
package struct ScenarioResult: Sendable, Codable {
    package var scenario: String
    package var summary: String
    package var load: LoadSummary?
    package var faults: [FaultWindow]
    package var report: VerificationReport?
    /// How long the pipeline took to drain after the load (`nil`: not within the limit).
    package var drainSeconds: Double?
    /// Longest acceptable recovery, in seconds.
    package var recoveryLimitSeconds: Double
    /// Why the scenario could not run to the end, when it could not.
    package var error: String?
    /// Wall time of the whole scenario, stack start-up included.
    package var seconds: Double
    /// Services that exited by themselves and were restarted by the harness's supervisor, a line each.
    package var supervisorRestarts: [String] = []

    /// The recovery of each fault that counts against the limit: until every partition routed again, else the first
    /// routed case.
    package var recoverySeconds: [Double?] {
        report?.recovery.map { $0.allPartitionsSeconds ?? $0.firstRoutedSeconds } ?? []
    }

    /// Ran to the end, nothing lost or doubled, every fault recovered within the limit.
    package var passed: Bool {
        guard error == nil, let report, report.passed else { return false }
        return recoverySeconds.allSatisfy { $0.map { $0 <= recoveryLimitSeconds } ?? false }
    }

    enum CodingKeys: String, CodingKey {
        case scenario, summary, load, faults, report, error, seconds, passed
        case drainSeconds = "drain_seconds"
        case recoveryLimitSeconds = "recovery_limit_seconds"
        case supervisorRestarts = "supervisor_restarts"
    }

    package init(
        scenario: String, summary: String, load: LoadSummary?, faults: [FaultWindow], report: VerificationReport?, drainSeconds: Double?,
        recoveryLimitSeconds: Double, error: String?, seconds: Double
    ) {
        self.scenario = scenario
        self.summary = summary
        self.load = load
        self.faults = faults
        self.report = report
        self.drainSeconds = drainSeconds
        self.recoveryLimitSeconds = recoveryLimitSeconds
        self.error = error
        self.seconds = seconds
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(load, forKey: .load)
        try container.encode(faults, forKey: .faults)
        try container.encodeIfPresent(report, forKey: .report)
        try container.encodeIfPresent(drainSeconds, forKey: .drainSeconds)
        try container.encode(recoveryLimitSeconds, forKey: .recoveryLimitSeconds)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(supervisorRestarts, forKey: .supervisorRestarts)
        try container.encode(passed, forKey: .passed)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scenario = try container.decode(String.self, forKey: .scenario)
        summary = try container.decode(String.self, forKey: .summary)
        load = try container.decodeIfPresent(LoadSummary.self, forKey: .load)
        faults = try container.decode([FaultWindow].self, forKey: .faults)
        report = try container.decodeIfPresent(VerificationReport.self, forKey: .report)
        drainSeconds = try container.decodeIfPresent(Double.self, forKey: .drainSeconds)
        recoveryLimitSeconds = try container.decode(Double.self, forKey: .recoveryLimitSeconds)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        seconds = try container.decode(Double.self, forKey: .seconds)
        supervisorRestarts = try container.decodeIfPresent([String].self, forKey: .supervisorRestarts) ?? []
    }

    /// One line for the summary table.
    package var line: String {
        let lost = report.map { String($0.lost.count) } ?? "-"
        let doubled = report.map { String($0.doubled.count) } ?? "-"
        let recovery = recoverySeconds.map { $0.map { String(format: "%.1f s", $0) } ?? "never" }.joined(separator: ", ")
        let verdict = passed ? "passed" : "FAILED" + (error.map { ": \($0.split(separator: "\n").first?.prefix(160) ?? "")" } ?? "")
        return "\(scenario.padding(toLength: 18, withPad: " ", startingAt: 0)) lost \(lost)  doubled \(doubled)  recovery \(recovery.isEmpty ? "-" : recovery)  \(verdict)"
    }
}
