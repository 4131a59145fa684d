/// Which submission a case came from: the submission's CloudEvents `source` and `id` (its idempotency key).
package struct ExternalReference: Codable, Hashable, Sendable {
    /// `ce_source` of the submission, e.g. `crm://acme/hotline`.
    package var source: String
    /// `ce_id` of the submission (or the HTTP `Idempotency-Key`).
    package var id: String

    /// Makes a reference.
    package init(source: String, id: String) {
        self.source = source
        self.id = id
    }

    /// `required`/`max_length` for `source` (2,048) and `id` (128), under `path`.
    package func validate(at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(source, at: FieldPath.member("source", of: path), maxLength: FieldLimits.url)
        validator.requireText(id, at: FieldPath.member("id", of: path), maxLength: FieldLimits.externalIdentifier)
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case source, id
    }
}
