/// The headers a dead-lettered record carries on `<topic>.dlt`: its original headers plus five
/// `careloop_*` headers saying why and where it came from.
package enum DeadLetterHeaders {
    /// `careloop_error_class`: a ``DeadLetterErrorClass`` word.
    package static let errorClass = "careloop_error_class"
    /// `careloop_error_message`: a human-readable reason (no PII), at most ``maxMessageBytes`` bytes.
    package static let errorMessage = "careloop_error_message"
    /// `careloop_original_topic`.
    package static let originalTopic = "careloop_original_topic"
    /// `careloop_original_partition`: decimal.
    package static let originalPartition = "careloop_original_partition"
    /// `careloop_original_offset`: decimal.
    package static let originalOffset = "careloop_original_offset"

    /// The five dead-letter header names, in the order they are appended.
    package static let names = [errorClass, errorMessage, originalTopic, originalPartition, originalOffset]

    /// Longest `careloop_error_message` written, in UTF-8 bytes; longer messages are cut at a character boundary.
    package static let maxMessageBytes = 4_096

    /// The dead-letter header list: `original` (minus any earlier `careloop_*` dead-letter headers, so a
    /// replayed record that fails again is not ambiguous) followed by the five dead-letter headers.
    package static func build(
        original: [RecordHeader],
        errorClass: DeadLetterErrorClass,
        message: String,
        topic: Topic,
        partition: Int32,
        offset: Int64
    ) -> [RecordHeader] {
        original.filter { !names.contains($0.key) } + [
            RecordHeader(key: Self.errorClass, string: errorClass.rawValue),
            RecordHeader(key: errorMessage, string: truncated(message)),
            RecordHeader(key: originalTopic, string: topic.rawValue),
            RecordHeader(key: originalPartition, string: String(partition)),
            RecordHeader(key: originalOffset, string: String(offset)),
        ]
    }

    /// `message` cut to at most ``maxMessageBytes`` UTF-8 bytes without splitting a character.
    static func truncated(_ message: String) -> String {
        guard message.utf8.count > maxMessageBytes else { return message }
        var result = ""
        var bytes = 0
        for character in message {
            bytes += character.utf8.count
            if bytes > maxMessageBytes { break }
            result.append(character)
        }
        return result
    }
}
