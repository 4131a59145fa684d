/// The short machine word in `careloop_error_class` saying why a record went to a dead-letter topic.
package struct DeadLetterErrorClass: OpenStringEnum {
    /// The machine word.
    package let rawValue: String

    /// Wraps a machine word.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The data decoded but broke field rules (see ``ValidationErrors``).
    package static let validation: DeadLetterErrorClass = "validation"
    /// The value is not well-formed JSON.
    package static let malformedJSON: DeadLetterErrorClass = "malformed_json"
    /// The headers do not make a valid CloudEvent (see ``CloudEventDecodingError``).
    package static let invalidCloudEvent: DeadLetterErrorClass = "invalid_cloudevent"
    /// `ce_type` is not a type this consumer knows for the topic.
    package static let unknownType: DeadLetterErrorClass = "unknown_type"
    /// The handler refused the event for a business reason (e.g. unknown case id).
    package static let handlerRejected: DeadLetterErrorClass = "handler_rejected"

    /// Every class of this version.
    package static let known: [DeadLetterErrorClass] = [
        .validation, .malformedJSON, .invalidCloudEvent, .unknownType, .handlerRejected,
    ]
}
