import CareLoopContracts
import Foundation
import Testing

/// `VoiceSubmission.parse` reports every failing field at once, with stable paths and rules.
@Suite struct VoiceSubmissionParsingTests {
    typealias PathAndRule = ValidationErrors.PathAndRule

    static func errors(_ json: [UInt8]) -> Set<PathAndRule> {
        switch VoiceSubmission.parse(json: json, now: Fixture.now) {
        case .success: []
        case .failure(let errors): errors.pathsAndRules
        }
    }

    static func errors(_ json: String) -> Set<PathAndRule> {
        errors(Array(json.utf8))
    }

    static func pairs(_ list: [(String, FieldError.Rule)]) -> Set<PathAndRule> {
        Set(list.map { PathAndRule(path: $0.0, rule: $0.1) })
    }

    @Test func manyWrongFieldsAreReportedTogether() throws {
        let found = Self.errors(try Fixture.bytes("invalid/voice.submitted.many-errors.json"))
        let expected = Self.pairs([
            ("kind", .enum),
            ("channel", .type),
            ("submitted_at", .rfc3339),
            ("owner.id", .required),
            ("owner.phone", .e164),
            ("owner.language", .languageTag),
            ("property.city", .required),
            ("property.project", .maxLength),
            ("property.building", .type),
            ("title", .maxLength),
            ("description", .required),
            ("category_hint", .type),
            ("attachments", .maxItems),
            ("attachments[0].url", .url),
            ("attachments[1]", .type),
            ("attachments[2].content_type", .required),
            ("inspection.batch", .required),
        ])
        #expect(found.subtracting(expected).isEmpty, "unexpected: \(found.subtracting(expected))")
        #expect(expected.subtracting(found).isEmpty, "missing: \(expected.subtracting(found))")
    }

    @Test func missingObjectsAreReportedOnceNotPerMember() throws {
        let found = Self.errors(try Fixture.bytes("invalid/voice.submitted.missing-objects.json"))
        #expect(found == Self.pairs([("owner", .required), ("property", .required)]))
    }

    @Test func malformedJSONIsOneErrorAtTheRoot() throws {
        let result = VoiceSubmission.parse(json: try Fixture.bytes("invalid/malformed.json"), now: Fixture.now)
        guard case .failure(let errors) = result else {
            Issue.record("malformed JSON must fail")
            return
        }
        #expect(errors.errors.count == 1)
        #expect(errors.pathsAndRules == Self.pairs([("$", .json)]))
    }

    @Test(
        "Bodies that are not one JSON object",
        arguments: [
            ("[]", "$", FieldError.Rule.type),
            ("\"repair\"", "$", .type),
            ("null", "$", .type),
            ("", "$", .json),
            ("{\"kind\" \"repair\"}", "$", .json),
            ("{kind: \"repair\"}", "$", .json),
            ("{\"kind\": \"repair\"} {}", "$", .json),
        ]
    )
    func notAnObject(body: String, path: String, rule: FieldError.Rule) {
        #expect(Self.errors(body) == Self.pairs([(path, rule)]))
    }

    @Test func invalidUTF8IsMalformedJSON() {
        let bytes: [UInt8] = Array(#"{"kind":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        #expect(Self.errors(bytes) == Self.pairs([("$", .json)]))
    }

    @Test func oversizedBodyIsRejectedBeforeParsing() {
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: FieldLimits.bodyBytes + 1)
        #expect(Self.errors(bytes) == Self.pairs([("$", .maxLength)]))
    }

    @Test func emptyObjectListsEveryRequiredMember() {
        #expect(
            Self.errors("{}")
                == Self.pairs([
                    ("kind", .required), ("channel", .required), ("submitted_at", .required), ("owner", .required),
                    ("property", .required), ("description", .required),
                ])
        )
    }

    @Test func nullCountsAsAbsent() throws {
        var body = try Self.validBody()
        body["title"] = NSNull()
        body["attachments"] = NSNull()
        body["kind"] = NSNull()
        #expect(Self.errors(try Self.json(body)) == Self.pairs([("kind", .required)]))
    }

    @Test func unknownMembersAreIgnored() throws {
        var body = try Self.validBody()
        body["priority"] = "urgent"
        body["owner_vip"] = ["level": 3]
        var owner = try #require(body["owner"] as? [String: Any])
        owner["email"] = "li.wei@example.com"
        body["owner"] = owner
        let submission = try VoiceSubmission.parse(json: try Self.json(body), now: Fixture.now).get()
        let reencoded = String(decoding: try CareLoopJSON.encode(submission), as: UTF8.self)
        #expect(!reencoded.contains("priority"))
        #expect(!reencoded.contains("email"))
    }

    @Test(
        "Wrong JSON types become type errors at their path",
        arguments: [
            ("kind", 1 as any Sendable, "kind"),
            ("submitted_at", 1_795_311_000 as any Sendable, "submitted_at"),
            ("owner", "OWN-1" as any Sendable, "owner"),
            ("attachments", ["url": "https://a.example/x"] as any Sendable, "attachments"),
            ("description", true as any Sendable, "description"),
            ("inspection", ["DELIVERY-1"] as any Sendable, "inspection"),
        ]
    )
    func wrongTypes(member: String, value: any Sendable, path: String) throws {
        var body = try Self.validBody()
        body[member] = value
        #expect(Self.errors(try Self.json(body)) == Self.pairs([(path, .type)]))
    }

    @Test func parsedValueMatchesTheContractExample() throws {
        let submission = try VoiceSubmission.parse(json: try Fixture.bytes("voice.submitted.json"), now: Fixture.now)
            .get()
        #expect(submission.kind == .repair)
        #expect(submission.channel == .hotline)
        #expect(submission.submittedAt.rfc3339 == "2026-11-22T09:30:00+08:00")
        #expect(
            submission.owner
                == VoiceSubmission.Owner(id: "OWN-88231", name: "Li Wei", phone: "+8613800138000", language: "zh-CN"))
        #expect(
            submission.property == PropertyAddress(city: "shenzhen", project: "SZ-FSG", building: "12", unit: "1203"))
        #expect(submission.recordKey == "shenzhen/SZ-FSG")
        #expect(submission.attachments?.first?.contentType == "image/jpeg")
        #expect(submission.inspection?.batch == "DELIVERY-2026-11-SZ-FSG-B12")
    }

    @Test func strictDecodingAgreesWithTheLenientParser() throws {
        let bytes = try Fixture.bytes("voice.submitted.json")
        let strict = try CareLoopJSON.decode(VoiceSubmission.self, from: bytes)
        #expect(strict == (try VoiceSubmission.parse(json: bytes, now: Fixture.now).get()))
    }

    /// The contract example as a mutable JSON object.
    static func validBody() throws -> [String: Any] {
        let bytes = try Fixture.bytes("voice.submitted.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object))
    }
}
