import Foundation

/// What the verifier found for one run: counts, everything lost or doubled (with samples), dead letters, group
/// incidents, work orders and latency percentiles per hop. ``passed`` is false when anything was lost, doubled or
/// handled against the contract.
package struct VerificationReport: Sendable, Codable, Hashable {
    /// One submission (or case) that went wrong, for the report's sample lists.
    package struct Finding: Sendable, Codable, Hashable {
        package var sequence: Int?
        package var id: String?
        package var caseIDs: [String]
        package var why: String

        enum CodingKeys: String, CodingKey {
            case sequence, id, why
            case caseIDs = "case_ids"
        }
    }

    /// A count with up to ``VerificationReport/sampleLimit`` examples.
    package struct Findings: Sendable, Codable, Hashable {
        package var count = 0
        package var samples: [Finding] = []

        mutating func add(_ finding: Finding) {
            count += 1
            if samples.count < VerificationReport.sampleLimit { samples.append(finding) }
        }
    }

    package struct Submissions: Sendable, Codable, Hashable {
        package var total = 0
        package var valid = 0
        package var duplicates = 0
        package var malformed = 0
        package var topic = 0
        package var http = 0
        /// Acknowledged by the broker or answered 2xx by intake.
        package var accepted = 0
        /// Never acknowledged (the sender gave up): not expected to be anywhere.
        package var notAccepted = 0

        enum CodingKeys: String, CodingKey {
            case total, valid, duplicates, malformed, topic, http, accepted
            case notAccepted = "not_accepted"
        }
    }

    package struct Cases: Sendable, Codable, Hashable {
        /// Distinct submissions of this run that must have a case (accepted, not malformed).
        package var expected = 0
        /// Distinct case ids of this run with a `careloop.case.registered` event.
        package var registered = 0
        /// Rows of this run in intake's `cases` (`nil`: database not read).
        package var registeredInDatabase: Int?
        /// Distinct case ids of this run with a `careloop.case.routed` event.
        package var routed = 0
        /// Case ids routing's table holds as routed, of this run (`nil`: database not read).
        package var routedInDatabase: Int?
        /// Registered cases whose submission is not in the manifest (warm-up, earlier runs).
        package var other = 0
        /// Events seen more than once with the same `ce_id` (outbox re-sends; not doubled cases).
        package var republishedEvents = 0
        /// Cases not yet registered or routed when the drain ran out of time while the pipeline still progressed.
        package var backlog = 0

        enum CodingKeys: String, CodingKey {
            case expected, registered, routed, other, backlog
            case registeredInDatabase = "registered_in_database"
            case routedInDatabase = "routed_in_database"
            case republishedEvents = "republished_events"
        }
    }

    package struct Duplicates: Sendable, Codable, Hashable {
        /// Accepted resends of a submission (beyond its first accepted send).
        package var sent = 0
        /// Of them, resends whose submission still has exactly one case.
        package var suppressed = 0
    }

    package struct DeadLetters: Sendable, Codable, Hashable {
        /// Records on the dead-letter topics read.
        package var total = 0
        /// Per `careloop_error_class`.
        package var byClass: [String: Int] = [:]
        /// Malformed topic submissions found on `careloop.intake.v1.dlt`.
        package var malformedDeadLettered = 0
        /// Malformed HTTP submissions answered 4xx.
        package var malformedRejectedOverHTTP = 0
        /// `reason → class` pairs where the class is not the one the contract names (informative).
        package var unexpectedClasses: [String: Int] = [:]

        enum CodingKeys: String, CodingKey {
            case total
            case byClass = "by_class"
            case malformedDeadLettered = "malformed_dead_lettered"
            case malformedRejectedOverHTTP = "malformed_rejected_over_http"
            case unexpectedClasses = "unexpected_classes"
        }
    }

    package struct GroupIncidents: Sendable, Codable, Hashable {
        /// Distinct `group_incident_id`s on `careloop.cases.v1`.
        package var incidents = 0
        /// Cases with a `careloop.case.merged` event.
        package var mergedCases = 0
        /// Bursts sent (≥ 5 owners, one project, one category).
        package var bursts = 0
        /// Bursts whose every case was merged into one incident.
        package var burstsGrouped = 0
        /// Bursts with some cases merged.
        package var burstsPartlyGrouped = 0

        enum CodingKeys: String, CodingKey {
            case incidents, bursts
            case mergedCases = "merged_cases"
            case burstsGrouped = "bursts_grouped"
            case burstsPartlyGrouped = "bursts_partly_grouped"
        }
    }

    package struct WorkOrders: Sendable, Codable, Hashable {
        /// Whether work orders were checked (`careloop.workorders.v1` carried events).
        package var checked = false
        /// Routed cases of this run with `requires_work_order`.
        package var due = 0
        /// Of them, cases with a `careloop.workorder.opened` event.
        package var opened = 0
    }

    /// Time to recover from one fault.
    package struct Recovery: Sendable, Codable, Hashable {
        package var fault: String
        /// What recovery was measured on (`cases_routed` or `work_orders_opened`).
        package var signal: FaultWindow.Signal
        package var injectedAt: Date
        package var clearedAt: Date
        /// From the fault clearing to the first output (routed case, opened work order) after it (`nil`: none).
        package var firstRoutedSeconds: Double?
        /// From the fault clearing until every partition had an output again.
        package var allPartitionsSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case fault, signal
            case injectedAt = "injected_at"
            case clearedAt = "cleared_at"
            case firstRoutedSeconds = "first_routed_seconds"
            case allPartitionsSeconds = "all_partitions_seconds"
        }
    }

    /// How fast the run's cases went through, from the first submission sent to the last case routed.
    package struct Throughput: Sendable, Codable, Hashable {
        package var firstSentAt: Date
        package var lastRoutedAt: Date
        /// Routed cases of the run per second over the whole span.
        package var casesPerSecond: Double
        /// Routed cases per second between the 10th and the 90th percentile of the routing times (ramp-up and the
        /// last stragglers left out).
        package var steadyCasesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case firstSentAt = "first_sent_at"
            case lastRoutedAt = "last_routed_at"
            case casesPerSecond = "cases_per_second"
            case steadyCasesPerSecond = "steady_cases_per_second"
        }
    }

    /// Most examples kept per finding list.
    package static let sampleLimit = 25

    package var submissions = Submissions()
    package var cases = Cases()
    package var duplicates = Duplicates()
    package var deadLetters = DeadLetters()
    /// Valid submissions without exactly one registered case, or registered cases never routed, or malformed
    /// records neither dead-lettered nor registered, or due work orders never opened.
    package var lost = Findings()
    /// Submissions with more than one case id, cases routed (or given work orders) more than once.
    package var doubled = Findings()
    /// Handled against the contract: malformed submissions registered, valid ones rejected.
    package var contractViolations = Findings()
    package var groupIncidents = GroupIncidents()
    package var workOrders = WorkOrders()
    /// Per hop: `submission_to_registered`, `registered_to_routed`, `submission_to_routed` (CloudEvent times),
    /// `submission_to_routed_published` (broker timestamp of the routed record), `routed_to_work_order`.
    package var latency: [String: LatencySummary] = [:]
    package var recovery: [Recovery] = []
    package var throughput: Throughput?
    /// How waiting for the drain ended: `drained`, `progressing` (time ran out, backlog) or `stalled`.
    package var drain = "drained"
    /// Records the topics had dropped (retention) when they were read, per topic.
    package var truncatedTopics: [String: Int64] = [:]

    /// Nothing lost, nothing doubled, nothing handled against the contract, nothing left in a backlog.
    package var passed: Bool { lost.count == 0 && doubled.count == 0 && contractViolations.count == 0 && cases.backlog == 0 }

    package init() {}

    enum CodingKeys: String, CodingKey {
        case submissions, cases, duplicates, lost, doubled, latency, recovery, throughput, drain, passed
        case truncatedTopics = "truncated_topics"
        case deadLetters = "dead_letters"
        case contractViolations = "contract_violations"
        case groupIncidents = "group_incidents"
        case workOrders = "work_orders"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(submissions, forKey: .submissions)
        try container.encode(cases, forKey: .cases)
        try container.encode(duplicates, forKey: .duplicates)
        try container.encode(deadLetters, forKey: .deadLetters)
        try container.encode(lost, forKey: .lost)
        try container.encode(doubled, forKey: .doubled)
        try container.encode(contractViolations, forKey: .contractViolations)
        try container.encode(groupIncidents, forKey: .groupIncidents)
        try container.encode(workOrders, forKey: .workOrders)
        try container.encode(latency, forKey: .latency)
        try container.encode(recovery, forKey: .recovery)
        try container.encodeIfPresent(throughput, forKey: .throughput)
        try container.encode(drain, forKey: .drain)
        try container.encode(truncatedTopics, forKey: .truncatedTopics)
        try container.encode(passed, forKey: .passed)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        submissions = try container.decode(Submissions.self, forKey: .submissions)
        cases = try container.decode(Cases.self, forKey: .cases)
        duplicates = try container.decode(Duplicates.self, forKey: .duplicates)
        deadLetters = try container.decode(DeadLetters.self, forKey: .deadLetters)
        lost = try container.decode(Findings.self, forKey: .lost)
        doubled = try container.decode(Findings.self, forKey: .doubled)
        contractViolations = try container.decode(Findings.self, forKey: .contractViolations)
        groupIncidents = try container.decode(GroupIncidents.self, forKey: .groupIncidents)
        workOrders = try container.decode(WorkOrders.self, forKey: .workOrders)
        latency = try container.decode([String: LatencySummary].self, forKey: .latency)
        recovery = try container.decode([Recovery].self, forKey: .recovery)
        throughput = try container.decodeIfPresent(Throughput.self, forKey: .throughput)
        drain = try container.decodeIfPresent(String.self, forKey: .drain) ?? "drained"
        truncatedTopics = try container.decodeIfPresent([String: Int64].self, forKey: .truncatedTopics) ?? [:]
    }
}
