/// Why a string is not an RFC 3339 timestamp CareLoop accepts.
package struct TimestampFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rejected text.
    package var input: String
    /// What is wrong with it.
    package var reason: String

    /// Makes the error.
    package init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    /// `"<input>" is not an RFC 3339 timestamp: <reason>`.
    package var description: String {
        "\"\(input.prefix(64))\" is not an RFC 3339 timestamp: \(reason)"
    }
}
