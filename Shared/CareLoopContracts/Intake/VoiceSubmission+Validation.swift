import Foundation

extension VoiceSubmission {
    /// The clock skew allowed for `submitted_at` by default: five minutes.
    package static let defaultMaxFutureSkew: Duration = .seconds(300)

    /// Every contract rule this submission breaks (empty when valid): known `kind` and `channel`,
    /// `submitted_at` not after `now + maxFutureSkew`, required and bounded texts, E.164 phone,
    /// language tag, at most 10 http(s) attachments with a media type, an inspection batch.
    package func validate(now: Date, maxFutureSkew: Duration = defaultMaxFutureSkew) -> [FieldError] {
        validateParties(now: now, maxFutureSkew: maxFutureSkew)
            + Self.validateTexts(
                title: title, description: description, categoryHint: categoryHint, attachments: attachments,
                at: FieldPath.root, descriptionRequired: true)
            + validateLinks()
    }

    /// The rules of everything but the texts (`title`, `description`, `category_hint`, `attachments`): what a
    /// unit's defects share in the batch form (see ``IntakeSubmission``).
    package func validateCommon(now: Date, maxFutureSkew: Duration = defaultMaxFutureSkew) -> [FieldError] {
        validateParties(now: now, maxFutureSkew: maxFutureSkew) + validateLinks()
    }

    /// `kind`, `channel`, `submitted_at`, `owner` and `property`.
    private func validateParties(now: Date, maxFutureSkew: Duration) -> [FieldError] {
        var validator = FieldValidator()
        validator.requireKnown(kind, at: "kind")
        validator.requireKnown(channel, at: "channel")
        validator.notInFuture(submittedAt, now: now, maxFutureSkew: maxFutureSkew, at: "submitted_at")
        validator.merge(owner.validate(at: "owner"))
        validator.merge(property.validate(at: "property"))
        return validator.errors
    }

    /// `inspection.batch` and `taker`.
    private func validateLinks() -> [FieldError] {
        var validator = FieldValidator()
        if let inspection {
            validator.requireText(inspection.batch, at: "inspection.batch", maxLength: FieldLimits.label)
        }
        if let taker {
            validator.requireText(taker, at: "taker", maxLength: FieldLimits.label)
        }
        return validator.errors
    }

    /// The rules of a voice's texts under `path` (the body, or one defect of the batch form): `title` ≤ 200,
    /// `description` required (when `descriptionRequired`) and ≤ 4,000, `category_hint` ≤ 128, at most 10
    /// http(s) attachments with a media type.
    package static func validateTexts(
        title: String?, description: String?, categoryHint: String?, attachments: [Attachment]?, at path: String,
        descriptionRequired: Bool
    ) -> [FieldError] {
        func member(_ name: String) -> String { FieldPath.member(name, of: path) }
        var validator = FieldValidator()
        validator.limitText(title, at: member("title"), maxLength: FieldLimits.title)
        if descriptionRequired || description != nil {
            validator.requireText(description ?? "", at: member("description"), maxLength: FieldLimits.description)
        }
        validator.limitText(categoryHint, at: member("category_hint"), maxLength: FieldLimits.label)
        if let attachments {
            validator.maxItems(attachments.count, maximum: FieldLimits.attachments, at: member("attachments"))
            for (index, attachment) in attachments.enumerated() {
                validator.merge(attachment.validate(at: FieldPath.element(index, of: member("attachments"))))
            }
        }
        return validator.errors
    }
}

extension VoiceSubmission.Owner {
    /// `required`/`max_length` for `id`, `max_length` for `name`, `e164` for `phone`, `language_tag`
    /// for `language`, `date` for `move_in_date`, under `path`.
    package func validate(at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(id, at: FieldPath.member("id", of: path), maxLength: FieldLimits.identifier)
        validator.limitText(name, at: FieldPath.member("name", of: path), maxLength: FieldLimits.personName)
        validator.phone(phone, at: FieldPath.member("phone", of: path))
        validator.languageTag(language, at: FieldPath.member("language", of: path))
        validator.fullDate(moveInDate, at: FieldPath.member("move_in_date", of: path))
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
