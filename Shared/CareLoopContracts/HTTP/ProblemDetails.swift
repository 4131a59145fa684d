/// An RFC 9457 problem document (`application/problem+json`) with CareLoop's field-level `errors` member.
package struct ProblemDetails: Codable, Hashable, Sendable, Error {
    /// `application/problem+json`.
    package static let mediaType = "application/problem+json"
    /// Problem type of a body that breaks field rules.
    package static let validationType = "urn:careloop:problem:validation"

    /// URI reference identifying the problem type; `about:blank` when the status says it all.
    package var type: String
    /// Short, human-readable summary of the problem type.
    package var title: String
    /// The HTTP status code.
    package var status: Int
    /// Explanation specific to this occurrence.
    package var detail: String?
    /// URI reference of this occurrence, e.g. the request path.
    package var instance: String?
    /// Every failing field (empty for problems that are not about fields).
    package var errors: [FieldError]

    /// Makes a problem document.
    package init(
        type: String = "about:blank",
        title: String,
        status: Int,
        detail: String? = nil,
        instance: String? = nil,
        errors: [FieldError] = []
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }

    /// A `400` problem listing every field error: the body is not well-formed JSON or breaks field rules.
    package static func validation(_ errors: ValidationErrors, instance: String? = nil) -> ProblemDetails {
        let malformed = errors.errors.contains { $0.rule == .json }
        return ProblemDetails(
            type: validationType,
            title: malformed ? "The body is not valid JSON" : "The body breaks field rules",
            status: 400,
            detail: "\(errors.errors.count) field error(s); see errors",
            instance: instance,
            errors: errors.errors
        )
    }

    /// Decodes a problem; a missing `type` means `about:blank` and missing `errors` means none.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "about:blank"
        title = try container.decode(String.self, forKey: .title)
        status = try container.decode(Int.self, forKey: .status)
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
        instance = try container.decodeIfPresent(String.self, forKey: .instance)
        errors = try container.decodeIfPresent([FieldError].self, forKey: .errors) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
    }
}
