/// Why a Kafka record is not a valid CareLoop CloudEvent; lists every problem at once.
/// Goes to the dead-letter topic with error class `invalid_cloudevent`.
package struct CloudEventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every problem found, in header order.
    package var problems: [Problem]

    /// Wraps a list of problems.
    package init(problems: [Problem]) {
        self.problems = problems
    }

    /// One line listing every problem.
    package var description: String {
        problems.map(\.description).joined(separator: "; ")
    }

    /// One problem with one header (or with the record value, header `value`).
    package struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// What kind of problem.
        package var code: Code
        /// The header name, or `value` for the record value.
        package var header: String
        /// A human-readable explanation.
        package var message: String

        /// Makes a problem.
        package init(code: Code, header: String, message: String) {
            self.code = code
            self.header = header
            self.message = message
        }

        /// `header: message`.
        package var description: String {
            "\(header): \(message)"
        }
    }

    /// The kind of problem; open so later versions can add kinds.
    package struct Code: OpenStringEnum {
        /// The machine word.
        package let rawValue: String

        /// Wraps a machine word.
        package init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A required header is absent (or has a null value).
        package static let missingHeader: Code = "missing_header"
        /// A required header is present but empty.
        package static let emptyHeader: Code = "empty_header"
        /// `ce_specversion` is not `1.0`.
        package static let unsupportedSpecVersion: Code = "unsupported_specversion"
        /// `ce_time` is not RFC 3339.
        package static let invalidTime: Code = "invalid_time"
        /// A CloudEvents header value is not valid UTF-8.
        package static let notUTF8: Code = "not_utf8"
        /// The record value is null or empty.
        package static let emptyData: Code = "empty_data"
        /// `content-type` is not `application/json` (a `charset=utf-8` parameter is allowed).
        package static let unsupportedContentType: Code = "unsupported_content_type"

        /// Every code of this version.
        package static let known: [Code] = [
            .missingHeader, .emptyHeader, .unsupportedSpecVersion, .invalidTime, .notUTF8, .emptyData,
            .unsupportedContentType,
        ]
    }
}
