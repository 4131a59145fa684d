import CareLoopContracts
import Foundation
import Testing

/// Every rule and boundary of the contract's submission, checked on built values with `validate`
/// and, where the JSON shape matters, through `parse`.
@Suite struct VoiceSubmissionRuleTests {
    static let now = Date(timeIntervalSince1970: 1_795_311_000)

    static func valid() -> VoiceSubmission {
        VoiceSubmission(
            kind: .repair,
            channel: .hotline,
            submittedAt: Timestamp(now),
            owner: .init(id: "OWN-88231", name: "Li Wei", phone: "+8613800138000", language: "zh-CN"),
            property: PropertyAddress(city: "shenzhen", project: "SZ-FSG", building: "12", unit: "1203"),
            title: "Kitchen tap leaking",
            description: "Water drips from under the sink since yesterday.",
            categoryHint: "engineering.plumbing",
            attachments: [.init(url: "https://files.acme.example/a.jpg", contentType: "image/jpeg")],
            inspection: .init(batch: "DELIVERY-2026-11-SZ-FSG-B12")
        )
    }

    static func failures(_ change: (inout VoiceSubmission) -> Void, skew: Duration = .seconds(300)) -> [String] {
        var submission = valid()
        change(&submission)
        return submission.validate(now: now, maxFutureSkew: skew).map { "\($0.path)/\($0.rule)" }
    }

    @Test func theExampleIsValid() {
        #expect(Self.failures { _ in }.isEmpty)
    }

    @Test(
        "title ≤ 200 characters, Chinese counted in characters",
        arguments: [
            (String(repeating: "a", count: 200), true),
            (String(repeating: "a", count: 201), false),
            (String(repeating: "漏", count: 200), true),
            (String(repeating: "漏", count: 201), false),
            (String(repeating: "🚰", count: 200), true),
            ("", true),
        ]
    )
    func titleLength(title: String, valid: Bool) {
        #expect(Self.failures { $0.title = title } == (valid ? [] : ["title/max_length"]))
    }

    @Test(
        "description required, ≤ 4,000 characters",
        arguments: [
            (String(repeating: "d", count: 4_000), [String]()),
            (String(repeating: "d", count: 4_001), ["description/max_length"]),
            (String(repeating: "水", count: 4_000), []),
            (String(repeating: "水", count: 4_001), ["description/max_length"]),
            ("", ["description/required"]),
            (" \n\t\u{3000}", ["description/required"]),
        ]
    )
    func descriptionLength(description: String, expected: [String]) {
        #expect(Self.failures { $0.description = description } == expected)
    }

    @Test(
        "at most 10 attachments",
        arguments: [(0, [String]()), (1, []), (10, []), (11, ["attachments/max_items"])]
    )
    func attachmentCount(count: Int, expected: [String]) {
        let attachments = (0..<count).map {
            VoiceSubmission.Attachment(url: "https://files.acme.example/\($0).jpg", contentType: "image/jpeg")
        }
        #expect(Self.failures { $0.attachments = attachments } == expected)
    }

    @Test func eachAttachmentIsCheckedAtItsIndex() {
        let attachments: [VoiceSubmission.Attachment] = [
            .init(url: "https://files.acme.example/0.jpg", contentType: "image/jpeg"),
            .init(url: "file:///etc/passwd", contentType: "image/jpeg"),
            .init(url: "https://files.acme.example/2.jpg", contentType: " "),
            .init(url: "", contentType: "image/png"),
            .init(url: "https://files.acme.example/" + String(repeating: "x", count: 2_048), contentType: "image/png"),
        ]
        #expect(
            Self.failures { $0.attachments = attachments }
                == [
                    "attachments[1].url/url", "attachments[2].content_type/required", "attachments[3].url/required",
                    "attachments[4].url/max_length",
                ]
        )
    }

    @Test(
        "owner.phone is E.164 when present",
        arguments: [
            ("+8613800138000", true), (nil, true), ("+12", true), ("+123456789012345", true), ("+1", false),
            ("+1234567890123456", false), ("13800138000", false), ("+0086138", false), ("", false),
        ] as [(String?, Bool)]
    )
    func ownerPhone(phone: String?, valid: Bool) {
        #expect(Self.failures { $0.owner.phone = phone } == (valid ? [] : ["owner.phone/e164"]))
    }

    @Test(
        "submitted_at may be at most the skew in the future",
        arguments: [
            ("2026-11-22T01:35:00Z", true),
            ("2026-11-22T09:35:00+08:00", true),
            ("2026-11-22T01:35:00.000000001Z", false),
            ("2026-11-22T01:35:00.001Z", false),
            ("2026-11-22T09:35:01+08:00", false),
            ("2026-11-22T01:30:00Z", true),
            ("2020-01-01T00:00:00Z", true),
        ]
    )
    func futureSkewBoundary(text: String, valid: Bool) throws {
        let submittedAt = try Timestamp(rfc3339: text)
        #expect(Self.failures { $0.submittedAt = submittedAt } == (valid ? [] : ["submitted_at/not_in_future"]))
    }

    @Test func skewIsConfigurable() throws {
        let oneSecondAhead = try Timestamp(rfc3339: "2026-11-22T01:30:01Z")
        #expect(Self.failures({ $0.submittedAt = oneSecondAhead }, skew: .seconds(1)).isEmpty)
        #expect(Self.failures({ $0.submittedAt = oneSecondAhead }, skew: .zero) == ["submitted_at/not_in_future"])
        #expect(
            Self.failures({ $0.submittedAt = oneSecondAhead }, skew: .milliseconds(999)) == [
                "submitted_at/not_in_future"
            ])
    }

    @Test("Identifiers and property parts are bounded", arguments: ["owner.id", "property.city", "property.project"])
    func requiredIdentifiers(path: String) throws {
        let fields: [String: WritableKeyPath<VoiceSubmission, String>] = [
            "owner.id": \.owner.id, "property.city": \.property.city, "property.project": \.property.project,
        ]
        let field = try #require(fields[path])
        #expect(Self.failures { $0[keyPath: field] = String(repeating: "x", count: 64) }.isEmpty)
        #expect(Self.failures { $0[keyPath: field] = String(repeating: "x", count: 65) } == ["\(path)/max_length"])
        #expect(Self.failures { $0[keyPath: field] = "  " } == ["\(path)/required"])
    }

    @Test func optionalPartsAreBounded() {
        let long = String(repeating: "9", count: 65)
        #expect(Self.failures { $0.property.building = long } == ["property.building/max_length"])
        #expect(Self.failures { $0.property.unit = long } == ["property.unit/max_length"])
        #expect(
            Self.failures {
                $0.property.building = nil
                $0.property.unit = nil
            }.isEmpty)
        #expect(Self.failures { $0.owner.name = String(repeating: "李", count: 101) } == ["owner.name/max_length"])
        #expect(Self.failures { $0.categoryHint = String(repeating: "c", count: 129) } == ["category_hint/max_length"])
    }

    @Test(
        "language is a BCP 47 style tag",
        arguments: [("zh-CN", true), ("en", true), (nil, true), ("zh_CN", false), ("chinese simplified", false)]
            as [(String?, Bool)]
    )
    func ownerLanguage(language: String?, valid: Bool) {
        #expect(Self.failures { $0.owner.language = language } == (valid ? [] : ["owner.language/language_tag"]))
    }

    @Test func unknownKindAndChannelAreEnumErrors() {
        #expect(Self.failures { $0.kind = "grievance" } == ["kind/enum"])
        #expect(Self.failures { $0.channel = "fax" } == ["channel/enum"])
        #expect(VoiceKind.known.map(\.rawValue) == ["complaint", "repair", "inquiry", "suggestion", "praise"])
        #expect(
            Channel.known.map(\.rawValue)
                == ["hotline", "front_desk", "app", "wechat", "web", "email", "letter", "staff_report", "inspection"]
        )
    }

    @Test func inspectionNeedsABatch() {
        #expect(Self.failures { $0.inspection = .init(batch: "") } == ["inspection.batch/required"])
        #expect(Self.failures { $0.inspection = nil }.isEmpty)
    }

    @Test func encodingOmitsAbsentOptionalMembers() throws {
        var submission = Self.valid()
        submission.title = nil
        submission.attachments = nil
        submission.inspection = nil
        submission.owner = .init(id: "OWN-1")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(try CareLoopJSON.encode(submission))) as? [String: Any]
        )
        #expect(
            Set(object.keys) == [
                "kind", "channel", "submitted_at", "owner", "property", "description", "category_hint",
            ])
        #expect((object["owner"] as? [String: Any])?.keys.sorted() == ["id"])
    }
}
