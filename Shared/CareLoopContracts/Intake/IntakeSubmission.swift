import Foundation

/// What one `careloop.voice.submitted` record or one `POST /v1/cases` body carries: one voice (the contract's
/// form), or, in CareLoop's additive batch form, the defects found in one unit at an inspection.
///
/// The batch form is the single form plus a `defects` array of 1–200 objects, each with its own `description`
/// (required unless the body has one), `title`, `category_hint` and `attachments`; the body's own texts are
/// defaults for defects that lack them, and `inspection` is required. Everything else (kind, channel, owner,
/// property, inspection, taker, submitted_at) is shared. Each defect becomes one case.
package struct IntakeSubmission: Hashable, Sendable {
    /// Most defects in one batch.
    package static let maxDefects = 200

    /// The voices to register, in order: one for the single form, one per defect for the batch form.
    package var voices: [VoiceSubmission]
    /// Whether the body had the batch form.
    package var isBatch: Bool

    /// Wraps voices.
    package init(voices: [VoiceSubmission], isBatch: Bool) {
        self.voices = voices
        self.isBatch = isBatch
    }

    /// Parses and validates an untrusted body of either form, reporting every failing field at once (paths of a
    /// defect's texts are `defects[i].description` etc.); the rules are those of
    /// ``VoiceSubmission/parse(json:now:maxFutureSkew:)``.
    package static func parse(
        json: some Collection<UInt8>, now: Date, maxFutureSkew: Duration = VoiceSubmission.defaultMaxFutureSkew
    ) -> Result<IntakeSubmission, ValidationErrors> {
        var errors: [FieldError] = []
        guard let body = LenientJSONObject.body(json, errors: &errors) else { return .failure(ValidationErrors(errors)) }
        guard let defects = body.array("defects", errors: &errors) else {
            // The contract's single form (or `defects` of the wrong type, reported with everything else, the body's
            // description then optional as in the batch form).
            var voice = VoiceSubmission.lenientCommon(body, errors: &errors)
            let hasDefects = body.members["defects"].map { $0 != .null } ?? false
            VoiceSubmission.Texts(body, descriptionRequired: !hasDefects, errors: &errors).apply(to: &voice)
            errors += VoiceSubmission.withoutHidden(
                hasDefects ? voice.validateCommon(now: now, maxFutureSkew: maxFutureSkew) : voice.validate(now: now, maxFutureSkew: maxFutureSkew),
                by: errors)
            return errors.isEmpty ? .success(IntakeSubmission(voices: [voice], isBatch: false)) : .failure(ValidationErrors(errors))
        }
        let common = VoiceSubmission.lenientCommon(body, errors: &errors)
        let defaults = VoiceSubmission.Texts(body, descriptionRequired: false, errors: &errors)
        let texts = defects.map { element -> VoiceSubmission.Texts? in
            guard let object = LenientJSONObject.object(element.value, at: element.path, errors: &errors) else { return nil }
            return VoiceSubmission.Texts(object, descriptionRequired: defaults.description == nil, errors: &errors)
        }
        var rules = common.validateCommon(now: now, maxFutureSkew: maxFutureSkew)
        rules += defaults.validate(at: FieldPath.root, descriptionRequired: false)
        for (index, defect) in texts.enumerated() {
            rules += defect?.validate(at: FieldPath.element(index, of: "defects"), descriptionRequired: defaults.description == nil) ?? []
        }
        var validator = FieldValidator()
        if defects.isEmpty {
            validator.report("defects", .required, "must list at least one defect")
        }
        validator.maxItems(defects.count, maximum: maxDefects, at: "defects")
        if common.inspection == nil {
            validator.report("inspection", .required, "is required with defects (the inspection the defects were found at)")
        }
        errors += VoiceSubmission.withoutHidden(rules + validator.errors, by: errors)
        guard errors.isEmpty else { return .failure(ValidationErrors(errors)) }
        let voices = texts.map { defect in
            var voice = common
            (defect ?? defaults).over(defaults).apply(to: &voice)
            return voice
        }
        return .success(IntakeSubmission(voices: voices, isBatch: true))
    }
}
