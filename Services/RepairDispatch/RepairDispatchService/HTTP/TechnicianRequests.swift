import CareLoopContracts

/// `POST …/contact`: an optional note on the call.
struct ContactRequest: Codable, Sendable {
    var note: String?

    func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.limitText(note, at: "note", maxLength: FieldLimits.description)
        return validator.errors
    }
}

/// `POST …/decline`: why the crew cannot take it.
struct DeclineRequest: Codable, Sendable {
    var reason: String?

    func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.limitText(reason, at: "reason", maxLength: FieldLimits.reason)
        return validator.errors
    }
}

/// `POST …/schedule`: the start of the owner-chosen window.
struct ScheduleRequest: Codable, Sendable {
    var start: Timestamp
}

/// `POST …/notes`.
struct NoteRequest: Codable, Sendable {
    var text: String

    func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(text, at: "text", maxLength: FieldLimits.description)
        return validator.errors
    }
}

/// `POST …/photos`: photo URLs (already uploaded to the company's file store).
struct PhotosRequest: Codable, Sendable {
    var urls: [String]

    func validate() -> [FieldError] {
        var validator = FieldValidator()
        if urls.isEmpty { validator.report("urls", .required, "must name at least one URL") }
        validator.maxItems(urls.count, maximum: 20, at: "urls")
        for (position, url) in urls.enumerated() { validator.httpURL(url, at: "urls[\(position)]") }
        return validator.errors
    }
}

/// `POST …/parts-used` and `POST …/parts-waiting`.
struct PartsRequest: Codable, Sendable {
    var parts: [PartLine]
    var note: String?

    func validate() -> [FieldError] {
        var validator = FieldValidator()
        if parts.isEmpty { validator.report("parts", .required, "must name at least one part") }
        validator.merge(PartLine.validate(parts, at: "parts"))
        validator.limitText(note, at: "note", maxLength: FieldLimits.description)
        return validator.errors
    }
}

/// `POST …/complete`: what was done, the cause found (feeds the defect register) and the parts used.
struct CompleteRequest: Codable, Sendable {
    var workDone: String
    var cause: String?
    var partsUsed: [PartLine]?

    enum CodingKeys: String, CodingKey {
        case cause
        case workDone = "work_done"
        case partsUsed = "parts_used"
    }

    func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(workDone, at: "work_done", maxLength: FieldLimits.description)
        validator.limitText(cause, at: "cause", maxLength: FieldLimits.reason)
        validator.merge(PartLine.validate(partsUsed ?? [], at: "parts_used"))
        return validator.errors
    }
}

extension PartLine {
    /// Part names 1–128 characters, quantities 1–10,000, at most 100 lines.
    static func validate(_ lines: [PartLine], at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.maxItems(lines.count, maximum: 100, at: path)
        for (position, line) in lines.enumerated() {
            validator.requireText(line.part, at: "\(path)[\(position)].part", maxLength: FieldLimits.label)
            validator.range(line.quantity, 1...10_000, at: "\(path)[\(position)].quantity")
        }
        return validator.errors
    }
}
