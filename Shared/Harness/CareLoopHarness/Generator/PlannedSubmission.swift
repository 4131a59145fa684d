import CareLoopContracts
import CareLoopKafka
import Foundation

/// How a submission reaches intake.
package enum Transport: String, Sendable, Hashable, Codable {
    /// A CloudEvent on `careloop.intake.v1`.
    case topic
    /// `POST /v1/cases` with an `Idempotency-Key`.
    case http
}

/// What the verifier must find for a submission.
package enum SubmissionExpectation: Sendable, Hashable {
    /// A new report: exactly one case, registered and routed.
    case valid
    /// The same `(ce_source, ce_id)` (or `Idempotency-Key`) and body as submission `of`, resent: no second case.
    case duplicate(of: Int)
    /// Broken on purpose: a dead letter (topic) or `400` (HTTP), never a case.
    case malformed(MalformedReason)
}

/// One submission the generator planned: its identity, its bytes and what must become of it.
package struct PlannedSubmission: Sendable, Hashable {
    /// Position in the generated stream (0-based), unique per run.
    package var sequence: Int
    /// How it is sent.
    package var transport: Transport
    /// `ce_source` (topic); for HTTP the source is the API client's and this is only informative.
    package var source: String
    /// `ce_id` (topic) or `Idempotency-Key` (HTTP); `nil` when left out on purpose.
    package var id: String?
    /// Record key, `<city>/<project>`.
    package var key: String
    /// The JSON body (the record value).
    package var body: [UInt8]
    /// What the verifier must find.
    package var expectation: SubmissionExpectation
    /// The burst of same-project, same-category reports it belongs to (should open a group incident).
    package var burst: String?
    /// What it is about, for reports.
    package var facts: Facts
    /// Replaces the standard `ce_type` / `ce_specversion` headers (poison records).
    package var headerOverrides: [String: String] = [:]

    /// What a submission is about.
    package struct Facts: Sendable, Hashable, Codable {
        package var kind: String
        package var channel: String
        package var city: String
        package var project: String
        package var category: String
        package var language: String
        package var ownerID: String

        enum CodingKeys: String, CodingKey {
            case kind, channel, city, project, category, language
            case ownerID = "owner_id"
        }
    }

    /// The Kafka record in binary content mode, stamped `ce_time` = `sentAt`.
    package func record(sentAt: Date, traceparent: String? = nil) -> ProducerRecord {
        var headers = [RecordHeader(key: CloudEvent.HeaderName.specVersion, string: headerOverrides["ce_specversion"] ?? CloudEvent.specVersion)]
        if let id { headers.append(RecordHeader(key: CloudEvent.HeaderName.id, string: id)) }
        headers += [
            RecordHeader(key: CloudEvent.HeaderName.source, string: source),
            RecordHeader(key: CloudEvent.HeaderName.type, string: headerOverrides["ce_type"] ?? EventType.voiceSubmitted.rawValue),
            RecordHeader(key: CloudEvent.HeaderName.time, string: Timestamp(sentAt).rfc3339),
            RecordHeader(key: CloudEvent.HeaderName.contentType, string: CareLoopJSON.mediaType),
        ]
        if let traceparent { headers.append(RecordHeader(key: CloudEvent.HeaderName.traceparent, string: traceparent)) }
        return ProducerRecord(topic: Topic.intake.rawValue, key: Array(key.utf8), value: body, headers: headers)
    }

    /// Whether it must become a case.
    package var mustRegister: Bool {
        if case .malformed = expectation { return false }
        return true
    }
}
