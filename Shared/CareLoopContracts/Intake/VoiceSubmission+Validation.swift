import Foundation

extension VoiceSubmission {
    /// The clock skew allowed for `submitted_at` by default: five minutes.
    package static let defaultMaxFutureSkew: Duration = .seconds(300)

    /// Every contract rule this submission breaks (empty when valid): known `kind` and `channel`,
    /// `submitted_at` not after `now + maxFutureSkew`, required and bounded texts, E.164 phone,
    /// language tag, at most 10 http(s) attachments with a media type, an inspection batch.
    package func validate(now: Date, maxFutureSkew: Duration = defaultMaxFutureSkew) -> [FieldError] {
        var validator = FieldValidator()
        validator.requireKnown(kind, at: "kind")
        validator.requireKnown(channel, at: "channel")
        validator.notInFuture(submittedAt, now: now, maxFutureSkew: maxFutureSkew, at: "submitted_at")
        validator.merge(owner.validate(at: "owner"))
        validator.merge(property.validate(at: "property"))
        validator.limitText(title, at: "title", maxLength: FieldLimits.title)
        validator.requireText(description, at: "description", maxLength: FieldLimits.description)
        validator.limitText(categoryHint, at: "category_hint", maxLength: FieldLimits.label)
        if let attachments {
            validator.maxItems(attachments.count, maximum: FieldLimits.attachments, at: "attachments")
            for (index, attachment) in attachments.enumerated() {
                validator.merge(attachment.validate(at: FieldPath.element(index, of: "attachments")))
            }
        }
        if let inspection {
            validator.requireText(inspection.batch, at: "inspection.batch", maxLength: FieldLimits.label)
        }
        return validator.errors
    }
}

extension VoiceSubmission.Owner {
    /// `required`/`max_length` for `id`, `max_length` for `name`, `e164` for `phone`, `language_tag`
    /// for `language`, under `path`.
    package func validate(at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(id, at: FieldPath.member("id", of: path), maxLength: FieldLimits.identifier)
        validator.limitText(name, at: FieldPath.member("name", of: path), maxLength: FieldLimits.personName)
        validator.phone(phone, at: FieldPath.member("phone", of: path))
        validator.languageTag(language, at: FieldPath.member("language", of: path))
        return validator.errors
    }
}

extension VoiceSubmission.Attachment {
    /// `url` for a URL that is not absolute http(s), `required`/`max_length` for `content_type`, under `path`.
    package func validate(at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.httpURL(url, at: FieldPath.member("url", of: path))
        validator.requireText(
            contentType, at: FieldPath.member("content_type", of: path), maxLength: FieldLimits.mediaType)
        return validator.errors
    }
}
