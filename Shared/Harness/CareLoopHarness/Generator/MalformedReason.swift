/// How a deliberately broken submission is broken, and what intake must make of it: a dead letter on
/// `careloop.intake.v1.dlt` with the expected `careloop_error_class` (topic), or `400` problem+json (HTTP).
package enum MalformedReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The value is cut off in the middle of the JSON.
    case badJSON = "bad_json"
    /// The required `description` is missing.
    case missingDescription = "missing_description"
    /// `owner.phone` is not E.164.
    case badPhone = "bad_phone"
    /// `kind` is not one of the contract's kinds.
    case unknownKind = "unknown_kind"
    /// `submitted_at` is a day in the future.
    case futureSubmittedAt = "future_submitted_at"
    /// `description` is longer than 4,000 characters.
    case descriptionTooLong = "description_too_long"
    /// The `ce_id` header is missing (topic only).
    case missingEventID = "missing_ce_id"
    /// Poison: the value is not UTF-8 at all (topic only).
    case notUTF8 = "not_utf8"
    /// Poison: `ce_specversion` is `0.3` (topic only).
    case wrongSpecVersion = "wrong_spec_version"
    /// Poison: a `ce_type` no contract defines (topic only).
    case unknownType = "unknown_type"
    /// Poison: an empty record value (topic only).
    case emptyValue = "empty_value"

    /// The reasons drawn for ordinary malformed traffic (the others are poison-only).
    package static let ordinary: [MalformedReason] = [
        .badJSON, .missingDescription, .badPhone, .unknownKind, .futureSubmittedAt, .descriptionTooLong, .missingEventID,
    ]

    /// The reasons of the poison scenario: records that break the envelope or the bytes, one per partition.
    package static let poison: [MalformedReason] = [.notUTF8, .wrongSpecVersion, .unknownType, .emptyValue, .badJSON, .missingEventID]

    /// Whether the reason only exists on the topic (headers, raw bytes).
    package var isTopicOnly: Bool {
        switch self {
        case .missingEventID, .notUTF8, .wrongSpecVersion, .unknownType, .emptyValue: true
        default: false
        }
    }

    /// The `careloop_error_class` values the contract allows for it.
    package var expectedErrorClasses: Set<String> {
        switch self {
        case .badJSON, .notUTF8: ["malformed_json"]
        case .missingDescription, .badPhone, .unknownKind, .futureSubmittedAt, .descriptionTooLong: ["validation"]
        case .missingEventID, .wrongSpecVersion, .emptyValue: ["invalid_cloudevent"]
        case .unknownType: ["unknown_type"]
        }
    }
}
