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
        var errors: [FieldError] = []
        guard let body = LenientJSONObject.body(json, errors: &errors) else { return .failure(ValidationErrors(errors)) }
        let submission = lenientSubmission(body, errors: &errors)
        errors += withoutHidden(submission.validate(now: now, maxFutureSkew: maxFutureSkew), by: errors)
        return errors.isEmpty ? .success(submission) : .failure(ValidationErrors(errors))
    }

    /// Reads every member it can, recording structural errors and filling placeholders (empty strings,
    /// the epoch) where a required value is missing, so array indices and rule checks stay aligned.
    static func lenientSubmission(_ body: LenientJSONObject, errors: inout [FieldError]) -> VoiceSubmission {
        var submission = lenientCommon(body, errors: &errors)
        let texts = Texts(body, descriptionRequired: true, errors: &errors)
        texts.apply(to: &submission)
        return submission
    }

    /// Everything but the texts; `description` is left empty.
    static func lenientCommon(_ body: LenientJSONObject, errors: inout [FieldError]) -> VoiceSubmission {
        let kind = body.string("kind", required: true, errors: &errors)
        let channel = body.string("channel", required: true, errors: &errors)
        let submittedAt = body.timestamp("submitted_at", required: true, errors: &errors)
        let ownerObject = body.object("owner", required: true, errors: &errors)
        let owner = Owner(
            id: ownerObject?.string("id", required: true, errors: &errors) ?? "",
            name: ownerObject?.string("name", errors: &errors),
            phone: ownerObject?.string("phone", errors: &errors),
            language: ownerObject?.string("language", errors: &errors),
            moveInDate: ownerObject?.string("move_in_date", errors: &errors)
        )
        let propertyObject = body.object("property", required: true, errors: &errors)
        let property = PropertyAddress(
            city: propertyObject?.string("city", required: true, errors: &errors) ?? "",
            project: propertyObject?.string("project", required: true, errors: &errors) ?? "",
            building: propertyObject?.string("building", errors: &errors),
            unit: propertyObject?.string("unit", errors: &errors)
        )
        let inspection = body.object("inspection", errors: &errors).map { object in
            Inspection(batch: object.string("batch", required: true, errors: &errors) ?? "")
        }
        let taker = body.string("taker", errors: &errors)
        return VoiceSubmission(
            kind: VoiceKind(rawValue: kind ?? ""),
            channel: Channel(rawValue: channel ?? ""),
            submittedAt: submittedAt ?? Timestamp(secondsSince1970: 0),
            owner: owner,
            property: property,
            description: "",
            inspection: inspection,
            taker: taker
        )
    }

    /// `ruleErrors` without those at or below a path that already has a structural error.
    static func withoutHidden(_ ruleErrors: [FieldError], by structural: [FieldError]) -> [FieldError] {
        ruleErrors.filter { ruleError in !structural.contains { FieldPath.path(ruleError.path, isWithin: $0.path) } }
    }

    /// The free texts of a voice (`title`, `description`, `category_hint`, `attachments`), read from the body or
    /// from one defect of the batch form.
    struct Texts {
        var title: String?
        var description: String?
        var categoryHint: String?
        var attachments: [Attachment]?

        /// Reads the texts of `object`, reporting `required` for a missing description when `descriptionRequired`.
        init(_ object: LenientJSONObject, descriptionRequired: Bool, errors: inout [FieldError]) {
            title = object.string("title", errors: &errors)
            description = object.string("description", required: descriptionRequired, errors: &errors)
            categoryHint = object.string("category_hint", errors: &errors)
            attachments = object.array("attachments", errors: &errors)?.map { element in
                let attachment = LenientJSONObject.object(element.value, at: element.path, errors: &errors)
                return Attachment(
                    url: attachment?.string("url", required: true, errors: &errors) ?? "",
                    contentType: attachment?.string("content_type", required: true, errors: &errors) ?? ""
                )
            }
        }

        /// These texts over `defaults`: each one this object lacks comes from `defaults`.
        func over(_ defaults: Texts) -> Texts {
            var merged = self
            merged.title = title ?? defaults.title
            merged.description = description ?? defaults.description
            merged.categoryHint = categoryHint ?? defaults.categoryHint
            merged.attachments = attachments ?? defaults.attachments
            return merged
        }

        /// Puts the texts into `submission` (a missing description becomes empty).
        func apply(to submission: inout VoiceSubmission) {
            submission.title = title
            submission.description = description ?? ""
            submission.categoryHint = categoryHint
            submission.attachments = attachments
        }

        /// The text rules under `path`.
        func validate(at path: String, descriptionRequired: Bool) -> [FieldError] {
            VoiceSubmission.validateTexts(
                title: title, description: description, categoryHint: categoryHint, attachments: attachments, at: path,
                descriptionRequired: descriptionRequired)
        }
    }
}

extension LenientJSONObject {
    /// The body as an object: one error at `$` when it is over 1 MiB, not well-formed JSON or not an object.
    static func body(_ json: some Collection<UInt8>, errors: inout [FieldError]) -> LenientJSONObject? {
        guard json.count <= FieldLimits.bodyBytes else {
            let message = "the body must be at most \(FieldLimits.bodyBytes) bytes"
            errors.append(FieldError(path: FieldPath.root, rule: .maxLength, message: message))
            return nil
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(json)
        } catch {
            errors.append(FieldError(path: FieldPath.root, rule: .json, message: "the body is not well-formed UTF-8 JSON"))
            return nil
        }
        return object(root, at: FieldPath.root, errors: &errors)
    }
}
