import CareLoopContracts

/// One line of a run's manifest (JSONL): a submission as it was sent, what must become of it, and how the send went.
package struct ManifestEntry: Codable, Sendable, Hashable {
    /// Position in the generated stream.
    package var sequence: Int
    package var transport: Transport
    /// `ce_source` (topic) or the generator's nominal source (HTTP: the API client's source applies).
    package var source: String
    /// `ce_id` or `Idempotency-Key`; `nil` when left out on purpose.
    package var id: String?
    /// Record key, `<city>/<project>`.
    package var key: String
    /// `valid`, `duplicate` or `malformed`.
    package var expectation: String
    /// For a duplicate: the sequence of the submission it repeats.
    package var duplicateOf: Int?
    /// For a malformed submission: how it is broken.
    package var reason: MalformedReason?
    /// The burst it belongs to.
    package var burst: String?
    /// When it was first sent (its `ce_time` on the topic).
    package var sentAt: Timestamp
    /// Whether the broker acknowledged it (topic) or intake answered (HTTP, any final status).
    package var accepted: Bool
    /// How many times it was sent before it was accepted or given up.
    package var attempts: Int
    /// Where it landed (topic).
    package var partition: Int32?
    package var offset: Int64?
    /// Final HTTP status (HTTP).
    package var httpStatus: Int?
    /// The case id intake answered with (HTTP `201`/`200`).
    package var caseID: String?
    /// Why it was not accepted, when it was not.
    package var error: String?
    /// What it is about.
    package var facts: PlannedSubmission.Facts?

    enum CodingKeys: String, CodingKey {
        case sequence, transport, source, id, key, expectation, reason, burst, accepted, attempts, partition, offset, error, facts
        case duplicateOf = "duplicate_of"
        case sentAt = "sent_at"
        case httpStatus = "http_status"
        case caseID = "case_id"
    }

    /// An entry for `planned`, sent at `sentAt`, not yet acknowledged.
    package init(_ planned: PlannedSubmission, sentAt: Timestamp) {
        self.init(
            sequence: planned.sequence, transport: planned.transport, source: planned.source, id: planned.id, key: planned.key,
            expected: planned.expectation, burst: planned.burst, sentAt: sentAt)
        facts = planned.facts
    }

    /// An entry from its parts, not yet acknowledged.
    package init(
        sequence: Int, transport: Transport, source: String, id: String?, key: String, expected: SubmissionExpectation, burst: String? = nil,
        sentAt: Timestamp
    ) {
        self.sequence = sequence
        self.transport = transport
        self.source = source
        self.id = id
        self.key = key
        switch expected {
        case .valid: expectation = "valid"
        case .duplicate(let original):
            expectation = "duplicate"
            duplicateOf = original
        case .malformed(let why):
            expectation = "malformed"
            reason = why
        }
        self.burst = burst
        self.sentAt = sentAt
        accepted = false
        attempts = 0
    }

    /// The expectation as a value.
    package var expected: SubmissionExpectation {
        if let reason, expectation == "malformed" { return .malformed(reason) }
        if let duplicateOf, expectation == "duplicate" { return .duplicate(of: duplicateOf) }
        return .valid
    }

    /// Whether it must become a case.
    package var mustRegister: Bool { expectation != "malformed" }
}
