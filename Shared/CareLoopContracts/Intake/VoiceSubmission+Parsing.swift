import Foundation

extension VoiceSubmission {
    /// Parses and validates an untrusted body (HTTP or record value), reporting EVERY failing field at once.
    ///
    /// Malformed JSON (or a body over 1 MiB) is one error at `$`. Otherwise missing required members,
    /// wrong JSON types, unknown `kind`/`channel` values and every rule of ``validate(now:maxFutureSkew:)``
    /// become field errors; a structural error at a path hides rule errors at or below it. Unknown
    /// members are ignored; `null` counts as absent.
    package static func parse(
        json: some Collection<UInt8>,
        now: Date,
        maxFutureSkew: Duration = defaultMaxFutureSkew
    ) -> Result<VoiceSubmission, ValidationErrors> {
        guard json.count <= FieldLimits.bodyBytes else {
            let message = "the body must be at most \(FieldLimits.bodyBytes) bytes"
            return .failure(ValidationErrors([FieldError(path: FieldPath.root, rule: .maxLength, message: message)]))
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(json)
        } catch {
            let message = "the body is not well-formed UTF-8 JSON"
            return .failure(ValidationErrors([FieldError(path: FieldPath.root, rule: .json, message: message)]))
        }
        var errors: [FieldError] = []
        guard let body = LenientJSONObject.object(root, at: FieldPath.root, errors: &errors) else {
            return .failure(ValidationErrors(errors))
        }
        let submission = lenientSubmission(body, errors: &errors)
        let ruleErrors = submission.validate(now: now, maxFutureSkew: maxFutureSkew).filter { ruleError in
            !errors.contains { FieldPath.path(ruleError.path, isWithin: $0.path) }
        }
        errors += ruleErrors
        return errors.isEmpty ? .success(submission) : .failure(ValidationErrors(errors))
    }

    /// Reads every member it can, recording structural errors and filling placeholders (empty strings,
    /// the epoch) where a required value is missing, so array indices and rule checks stay aligned.
    private static func lenientSubmission(_ body: LenientJSONObject, errors: inout [FieldError]) -> VoiceSubmission {
        let kind = body.string("kind", required: true, errors: &errors)
        let channel = body.string("channel", required: true, errors: &errors)
        let submittedAt = body.timestamp("submitted_at", required: true, errors: &errors)
        let ownerObject = body.object("owner", required: true, errors: &errors)
        let owner = Owner(
            id: ownerObject?.string("id", required: true, errors: &errors) ?? "",
            name: ownerObject?.string("name", errors: &errors),
            phone: ownerObject?.string("phone", errors: &errors),
            language: ownerObject?.string("language", errors: &errors)
        )
        let propertyObject = body.object("property", required: true, errors: &errors)
        let property = PropertyAddress(
            city: propertyObject?.string("city", required: true, errors: &errors) ?? "",
            project: propertyObject?.string("project", required: true, errors: &errors) ?? "",
            building: propertyObject?.string("building", errors: &errors),
            unit: propertyObject?.string("unit", errors: &errors)
        )
        let title = body.string("title", errors: &errors)
        let description = body.string("description", required: true, errors: &errors)
        let categoryHint = body.string("category_hint", errors: &errors)
        let attachments = body.array("attachments", errors: &errors)?.map { element in
            let object = LenientJSONObject.object(element.value, at: element.path, errors: &errors)
            return Attachment(
                url: object?.string("url", required: true, errors: &errors) ?? "",
                contentType: object?.string("content_type", required: true, errors: &errors) ?? ""
            )
        }
        let inspection = body.object("inspection", errors: &errors).map { object in
            Inspection(batch: object.string("batch", required: true, errors: &errors) ?? "")
        }
        return VoiceSubmission(
            kind: VoiceKind(rawValue: kind ?? ""),
            channel: Channel(rawValue: channel ?? ""),
            submittedAt: submittedAt ?? Timestamp(secondsSince1970: 0),
            owner: owner,
            property: property,
            title: title,
            description: description ?? "",
            categoryHint: categoryHint,
            attachments: attachments,
            inspection: inspection
        )
    }
}
