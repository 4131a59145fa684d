import Foundation

/// Collects ``FieldError``s while a payload checks its fields, so every failing field is reported at once.
///
/// Each check names the path it reports under; text lengths count Swift `Character`s (one Chinese
/// character is one character, whatever its UTF-8 size).
package struct FieldValidator: Sendable {
    /// The errors found so far, in the order the checks ran.
    package private(set) var errors: [FieldError] = []

    /// An empty validator.
    package init() {}

    /// Records one error.
    package mutating func report(_ path: String, _ rule: FieldError.Rule, _ message: String) {
        errors.append(FieldError(path: path, rule: rule, message: message))
    }

    /// Required text: `required` when blank after trimming whitespace, `max_length` when too long.
    package mutating func requireText(_ value: String, at path: String, maxLength: Int) {
        // Blank = only the scalars of `CharacterSet.whitespacesAndNewlines` (Unicode White_Space, plus U+200B zero width
        // space as Foundation counts it), checked without Foundation's trimming, which cost more than the rest of an
        // event's validation.
        if !value.unicodeScalars.contains(where: { !$0.properties.isWhitespace && $0.value != 0x200B }) {
            report(path, .required, "must not be empty")
        } else {
            limitText(value, at: path, maxLength: maxLength)
        }
    }

    /// Optional text: `max_length` when present and longer than `maxLength` characters.
    package mutating func limitText(_ value: String?, at path: String, maxLength: Int) {
        guard let value, value.count > maxLength else { return }
        report(path, .maxLength, "must be at most \(maxLength) characters, found \(value.count)")
    }

    /// A contract enumeration: `required` when blank, `enum` when not a known value.
    package mutating func requireKnown<Value: OpenStringEnum>(_ value: Value, at path: String) {
        if value.rawValue.isEmpty {
            report(path, .required, "must not be empty")
        } else if !value.isKnown {
            let allowed = Value.known.map(\.rawValue).joined(separator: ", ")
            report(path, .enum, "\"\(value.rawValue.prefix(64))\" is not one of: \(allowed)")
        }
    }

    /// An optional contract enumeration: `enum` when present and unknown.
    package mutating func limitToKnown<Value: OpenStringEnum>(_ value: Value?, at path: String) {
        if let value { requireKnown(value, at: path) }
    }

    /// An optional phone number: `e164` when present and not E.164.
    package mutating func phone(_ value: String?, at path: String) {
        guard let value, !Self.isE164(value) else { return }
        report(path, .e164, "must be E.164: + then 2 to 15 digits, the first not 0")
    }

    /// An optional language: `language_tag` when present and not a BCP 47 style tag.
    package mutating func languageTag(_ value: String?, at path: String) {
        guard let value, !Self.isLanguageTag(value) else { return }
        report(path, .languageTag, "must be a BCP 47 language tag such as zh-CN (at most 35 characters)")
    }

    /// An absolute http(s) URL of at most `FieldLimits.url` characters: `required`, `max_length` or `url`.
    package mutating func httpURL(_ value: String, at path: String) {
        if value.isEmpty {
            report(path, .required, "must not be empty")
        } else if value.count > FieldLimits.url {
            limitText(value, at: path, maxLength: FieldLimits.url)
        } else if !Self.isHTTPURL(value) {
            report(path, .url, "must be an absolute http or https URL")
        }
    }

    /// An optional calendar date: `date` when present and not `YYYY-MM-DD`.
    package mutating func fullDate(_ value: String?, at path: String) {
        guard let value, CivilDate(fullDate: value) == nil else { return }
        report(path, .date, "must be a calendar date YYYY-MM-DD")
    }

    /// A time reported by a client: `not_in_future` when later than `now + maxFutureSkew`.
    package mutating func notInFuture(_ value: Timestamp, now: Date, maxFutureSkew: Duration, at path: String) {
        let limit = now.addingTimeInterval(maxFutureSkew.timeInterval)
        let whole = limit.timeIntervalSince1970.rounded(.down)
        let latest = (Int64(whole), Int32(((limit.timeIntervalSince1970 - whole) * 1e9).rounded()))
        guard (value.secondsSince1970, value.nanoseconds) > latest else { return }
        report(path, .notInFuture, "must not be later than \(Timestamp(limit).rfc3339)")
    }

    /// An array: `max_items` when it has more than `maximum` elements.
    package mutating func maxItems(_ count: Int, maximum: Int, at path: String) {
        guard count > maximum else { return }
        report(path, .maxItems, "must have at most \(maximum) elements, found \(count)")
    }

    /// An optional number: `range` when present and outside `bounds`.
    package mutating func range(_ value: Int?, _ bounds: ClosedRange<Int>, at path: String) {
        guard let value, !bounds.contains(value) else { return }
        report(path, .range, "must be between \(bounds.lowerBound) and \(bounds.upperBound), found \(value)")
    }

    /// Two times in order: `order` at `path` (the later one's) when `later` is before `earlier`.
    package mutating func order(earlier: Timestamp, later: Timestamp, at path: String) {
        guard later < earlier else { return }
        report(path, .order, "must not be before \(earlier.rfc3339)")
    }

    /// Adds the errors of a nested check.
    package mutating func merge(_ other: [FieldError]) {
        errors += other
    }

    /// `+` then 2–15 ASCII digits, the first 1–9 (ITU-T E.164 as written in contracts).
    package static func isE164(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.first == UInt8(ascii: "+"), (3...16).contains(bytes.count),
            bytes[1] != UInt8(ascii: "0")
        else { return false }
        return bytes.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// A BCP 47 style tag: ASCII subtags of 1–8 letters or digits separated by single hyphens, the first
    /// 2–8 letters, at most 35 characters (`zh-CN`, `zh-Hans-CN`, `en`).
    package static func isLanguageTag(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= FieldLimits.languageTag else { return false }
        let subtags = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = subtags.first, (2...8).contains(first.utf8.count),
            first.utf8.allSatisfy(Self.isASCIILetter)
        else { return false }
        return subtags.allSatisfy { subtag in
            (1...8).contains(subtag.utf8.count)
                && subtag.utf8.allSatisfy { isASCIILetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
    }

    /// An absolute `http` or `https` URL with a host.
    package static func isHTTPURL(_ value: String) -> Bool {
        guard !value.contains(where: \.isWhitespace), let components = URLComponents(string: value),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
