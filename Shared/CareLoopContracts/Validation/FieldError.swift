/// One thing wrong with one field of a JSON body or payload, in a form both machines and people can act on.
///
/// `path` names the field (`owner.phone`, `attachments[3].url`, `$` for the whole body); `rule` is a
/// stable machine word; `message` is a human sentence that may change between versions.
package struct FieldError: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The field, in dotted/indexed notation; `$` for the whole body.
    package var path: String
    /// The rule that failed.
    package var rule: Rule
    /// A human-readable explanation.
    package var message: String

    /// Makes a field error.
    package init(path: String, rule: Rule, message: String) {
        self.path = path
        self.rule = rule
        self.message = message
    }

    /// `path: message (rule)`, for logs and dead-letter messages.
    package var description: String {
        "\(path): \(message) (\(rule.rawValue))"
    }

    enum CodingKeys: String, CodingKey {
        case path, rule, message
    }

    /// The stable machine word naming a failed rule; open so new rules can be added without breaking clients.
    package struct Rule: OpenStringEnum {
        /// The wire value, e.g. `max_length`.
        package let rawValue: String

        /// Wraps a rule word.
        package init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A required field is missing, null or blank.
        package static let required: Rule = "required"
        /// The JSON value has the wrong type (e.g. a number where a string belongs).
        package static let type: Rule = "type"
        /// The value is not one of the contract's known values.
        package static let `enum`: Rule = "enum"
        /// The text is longer than allowed (counted in characters) or the body is too large.
        package static let maxLength: Rule = "max_length"
        /// The text is shorter than allowed.
        package static let minLength: Rule = "min_length"
        /// The array has more elements than allowed.
        package static let maxItems: Rule = "max_items"
        /// The phone number is not E.164 (`+` then 2–15 digits, first digit 1–9).
        package static let e164: Rule = "e164"
        /// The time is not an RFC 3339 timestamp.
        package static let rfc3339: Rule = "rfc3339"
        /// The date is not an ISO 8601 calendar date (`YYYY-MM-DD`).
        package static let date: Rule = "date"
        /// The time lies further in the future than the allowed clock skew.
        package static let notInFuture: Rule = "not_in_future"
        /// The URL is not an absolute http or https URL.
        package static let url: Rule = "url"
        /// The language is not a BCP 47 style tag.
        package static let languageTag: Rule = "language_tag"
        /// A number lies outside its allowed range.
        package static let range: Rule = "range"
        /// Two values are in the wrong order (e.g. an appointment that ends before it starts).
        package static let order: Rule = "order"
        /// The value would put an owner's name or phone number on an outbound topic.
        package static let personalData: Rule = "personal_data"
        /// The body is not well-formed JSON (reported at `$`).
        package static let json: Rule = "json"
        /// A well-formed reference to something the receiver does not know (e.g. a city or project missing from
        /// intake's property registry).
        package static let unknown: Rule = "unknown"

        /// Every rule this version reports.
        package static let known: [Rule] = [
            .required, .type, .enum, .maxLength, .minLength, .maxItems, .e164, .rfc3339, .date, .notInFuture,
            .url, .languageTag, .range, .order, .personalData, .json, .unknown,
        ]
    }
}
