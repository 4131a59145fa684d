import CareLoopContracts
import Foundation
import Testing

@Suite struct FieldValidatorTests {
    @Test(
        "E.164: + then 2–15 digits, first digit 1–9",
        arguments: [
            ("+8613800138000", true),
            ("+12", true),
            ("+123456789012345", true),
            ("+1", false),
            ("+1234567890123456", false),
            ("+0123456", false),
            ("8613800138000", false),
            ("+86 138 0013 8000", false),
            ("+86-13800138000", false),
            ("+", false),
            ("", false),
            ("++8613800138000", false),
            ("+８６13800138000", false),
            ("+86138001380O0", false),
        ]
    )
    func e164(phone: String, valid: Bool) {
        #expect(FieldValidator.isE164(phone) == valid)
    }

    @Test(
        "Language tags",
        arguments: [
            ("zh-CN", true),
            ("en", true),
            ("zh-Hans-CN", true),
            ("yue-HK", true),
            ("es-419", true),
            ("zh_CN", false),
            ("", false),
            ("z", false),
            ("-zh", false),
            ("zh-", false),
            ("zh--CN", false),
            ("12-CN", false),
            ("中文", false),
            ("zh-abcdefghi", false),
            ("en-" + String(repeating: "a1b2c3d4-", count: 4).dropLast(), false),
        ]
    )
    func languageTag(tag: String, valid: Bool) {
        #expect(FieldValidator.isLanguageTag(tag) == valid)
    }

    @Test func languageTagLengthBoundary() {
        let thirtyFive = "zh-" + Array(repeating: "abcdefgh", count: 3).joined(separator: "-") + "-abcde"
        #expect(thirtyFive.count == 35)
        #expect(FieldValidator.isLanguageTag(thirtyFive))
        #expect(!FieldValidator.isLanguageTag(thirtyFive + "f"))
    }

    @Test(
        "Attachment URLs",
        arguments: [
            ("https://files.acme.example/a.jpg", true),
            ("http://10.0.0.1:8080/a?b=c", true),
            ("HTTPS://FILES.ACME.EXAMPLE/A.JPG", true),
            ("ftp://files.acme.example/a.jpg", false),
            ("https://", false),
            ("//files.acme.example/a.jpg", false),
            ("files.acme.example/a.jpg", false),
            ("javascript:alert(1)", false),
            ("https://files.acme.example/a b.jpg", false),
            ("", false),
        ]
    )
    func httpURL(url: String, valid: Bool) {
        #expect(FieldValidator.isHTTPURL(url) == valid)
    }

    @Test func textLengthCountsCharactersNotBytes() {
        var validator = FieldValidator()
        validator.limitText(String(repeating: "漏", count: 5), at: "a", maxLength: 5)
        validator.limitText(String(repeating: "👨‍👩‍👧", count: 5), at: "b", maxLength: 5)
        validator.limitText(String(repeating: "漏", count: 6), at: "c", maxLength: 5)
        #expect(validator.errors.map(\.path) == ["c"])
        #expect(validator.errors.map(\.rule) == [.maxLength])
    }

    @Test func requiredTextTrimsUnicodeWhitespace() {
        var validator = FieldValidator()
        validator.requireText(" \u{3000}\n\t", at: "blank", maxLength: 10)
        validator.requireText(" x ", at: "filled", maxLength: 10)
        #expect(validator.errors.map(\.path) == ["blank"])
        #expect(validator.errors.map(\.rule) == [.required])
    }

    /// The blank check agrees with Foundation's `whitespacesAndNewlines` for every scalar of the BMP.
    @Test func blankMeansWhatFoundationTrims() {
        var validator = FieldValidator()
        var expected: [String] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(Character(scalar))\(Character(scalar))"
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { expected.append("\(value)") }
            validator.requireText(text, at: "\(value)", maxLength: 10)
        }
        #expect(validator.errors.map(\.path) == expected)
        #expect(expected.count > 20)  // tab … CR, space, NEL, NBSP, the Zs range, line and paragraph separators …
    }

    @Test func unknownEnumValuesAreReported() {
        var validator = FieldValidator()
        validator.requireKnown(VoiceKind.repair, at: "ok")
        validator.requireKnown(VoiceKind(rawValue: "grievance"), at: "unknown")
        validator.requireKnown(VoiceKind(rawValue: ""), at: "empty")
        validator.limitToKnown(Channel?.none, at: "absent")
        validator.limitToKnown(Channel(rawValue: "fax"), at: "fax")
        #expect(validator.errors.map { "\($0.path)/\($0.rule)" } == ["unknown/enum", "empty/required", "fax/enum"])
    }

    @Test func fullDates() {
        var validator = FieldValidator()
        for (index, text) in ["2028-06-30", "2028-02-29", "2027-02-29", "2028-6-30", "2028-06-30T00:00:00Z"]
            .enumerated()
        {
            validator.fullDate(text, at: "d\(index)")
        }
        #expect(validator.errors.map(\.path) == ["d2", "d3", "d4"])
    }

    @Test func fieldPaths() {
        #expect(FieldPath.member("phone", of: "owner") == "owner.phone")
        #expect(FieldPath.member("kind", of: "") == "kind")
        #expect(FieldPath.member("kind", of: "$") == "kind")
        #expect(FieldPath.member("url", of: FieldPath.element(3, of: "attachments")) == "attachments[3].url")
        #expect(FieldPath.path("attachments[3].url", isWithin: "attachments[3]"))
        #expect(FieldPath.path("owner.id", isWithin: "owner"))
        #expect(!FieldPath.path("owner_id", isWithin: "owner"))
        #expect(!FieldPath.path("attachments[30]", isWithin: "attachments[3]"))
    }
}
