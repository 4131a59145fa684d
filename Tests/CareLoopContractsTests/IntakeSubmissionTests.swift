import CareLoopContracts
import Foundation
import Testing

/// CareLoop's additions to the inbound body: the batch form (`defects`), `owner.move_in_date` and `taker`.
@Suite struct IntakeSubmissionTests {
    static let now = Fixture.now

    static func body(_ extra: String = "", description: String? = "tap leaks") -> [UInt8] {
        let text = description.map { #","description":"\#($0)""# } ?? ""
        return Array(
            """
            {"kind":"repair","channel":"inspection","submitted_at":"2026-11-22T09:30:00+08:00",
             "owner":{"id":"OWN-1","name":"Li Wei","phone":"+8613800138000"},
             "property":{"city":"shenzhen","project":"SZ-FSG","building":"12","unit":"1203"}\(text)\(extra)}
            """.utf8)
    }

    static func errors(_ body: [UInt8]) -> Set<String> {
        switch IntakeSubmission.parse(json: body, now: now) {
        case .success: []
        case .failure(let errors): Set(errors.errors.map { "\($0.path)/\($0.rule)" })
        }
    }

    @Test func theSingleFormIsOneVoice() throws {
        let parsed = try IntakeSubmission.parse(json: Self.body(), now: Self.now).get()
        #expect(!parsed.isBatch)
        #expect(parsed.voices.count == 1)
        #expect(parsed.voices[0] == (try VoiceSubmission.parse(json: Self.body(), now: Self.now).get()))
    }

    @Test func theBatchFormIsOneVoicePerDefectSharingEverythingElse() throws {
        let defects = (0..<100).map { #"{"description":"defect \#($0)","title":"D\#($0)"}"# }.joined(separator: ",")
        let json = Self.body(#","inspection":{"batch":"DELIVERY-B12"},"category_hint":"engineering","defects":[\#(defects)]"#, description: nil)
        let parsed = try IntakeSubmission.parse(json: json, now: Self.now).get()
        #expect(parsed.isBatch)
        #expect(parsed.voices.count == 100)
        #expect(parsed.voices.map(\.description) == (0..<100).map { "defect \($0)" })
        #expect(parsed.voices.map(\.title) == (0..<100).map { "D\($0)" })
        #expect(parsed.voices.allSatisfy { $0.inspection?.batch == "DELIVERY-B12" && $0.owner.id == "OWN-1" && $0.property.unit == "1203" })
        #expect(parsed.voices.allSatisfy { $0.categoryHint == "engineering" }, "the body's texts are defaults")
    }

    @Test func aDefectsOwnTextsOverrideTheBodys() throws {
        let json = Self.body(
            #","inspection":{"batch":"B"},"title":"T","defects":[{"category_hint":"own"},{"description":"own","title":"own"}]"#,
            description: "common")
        let voices = try IntakeSubmission.parse(json: json, now: Self.now).get().voices
        #expect(voices.map(\.description) == ["common", "own"])
        #expect(voices.map(\.title) == ["T", "own"])
        #expect(voices.map(\.categoryHint) == ["own", nil])
    }

    @Test(
        "batch rules, each failing field with its defect's path",
        arguments: [
            (#","inspection":{"batch":"B"},"defects":[]"#, ["defects/required"]),
            (#","defects":[{"description":"x"}]"#, ["inspection/required"]),
            (#","inspection":{"batch":"B"},"defects":[{"title":"no description"}]"#, ["defects[0].description/required"]),
            (#","inspection":{"batch":"B"},"defects":[{"description":" "}]"#, ["defects[0].description/required"]),
            (#","inspection":{"batch":"B"},"defects":["door"]"#, ["defects[0]/type"]),
            (#","inspection":{"batch":"B"},"defects":{"description":"x"}"#, ["defects/type"]),
            (
                #","inspection":{"batch":"B"},"defects":[{"description":"ok"},{"description":"x","attachments":[{"url":"ftp://x","content_type":"image/jpeg"}]}]"#,
                ["defects[1].attachments[0].url/url"]
            ),
            (#","inspection":{"batch":"B"},"defects":[{"description":"x","category_hint":7}]"#, ["defects[0].category_hint/type"]),
        ] as [(String, Set<String>)])
    func batchRules(extra: String, expected: Set<String>) {
        #expect(Self.errors(Self.body(extra, description: nil)) == expected)
    }

    @Test func atMost200Defects() {
        func batch(_ count: Int) -> [UInt8] {
            let defects = Array(repeating: #"{"description":"d"}"#, count: count).joined(separator: ",")
            return Self.body(#","inspection":{"batch":"B"},"defects":[\#(defects)]"#, description: nil)
        }
        #expect(Self.errors(batch(200)).isEmpty)
        #expect(Self.errors(batch(201)) == ["defects/max_items"])
    }

    @Test func sharedFieldsAreCheckedOnceAndTogetherWithDefectFields() {
        let json = Array(
            String(decoding: Self.body(#","taker":"","inspection":{"batch":"B"},"defects":[{"description":"x"},{}]"#, description: nil), as: UTF8.self)
                .replacingOccurrences(of: "+8613800138000", with: "123").utf8)
        #expect(Self.errors(json) == ["taker/required", "owner.phone/e164", "defects[1].description/required"])
    }

    @Test(
        "owner.move_in_date is a calendar date, any day (a future one means not yet moved in)",
        arguments: [("2024-02-29", true), ("2030-01-01", true), ("2026-02-29", false), ("2026-1-5", false), ("2026-11-22T00:00:00Z", false)])
    func moveInDate(value: String, valid: Bool) throws {
        let json = Array(
            String(decoding: Self.body(), as: UTF8.self).replacingOccurrences(of: #""id":"OWN-1""#, with: #""id":"OWN-1","move_in_date":"\#(value)""#)
                .utf8)
        #expect(Self.errors(json) == (valid ? [] : ["owner.move_in_date/date"]))
        if valid {
            #expect(try IntakeSubmission.parse(json: json, now: Self.now).get().voices[0].owner.moveInDate == value)
        }
    }

    @Test(
        "taker is optional, non-blank, at most 128 characters",
        arguments: [(String(repeating: "t", count: 128), true), (String(repeating: "t", count: 129), false), ("STAFF-0042", true), ("  ", false)])
    func taker(value: String, valid: Bool) throws {
        let errors = Self.errors(Self.body(#","taker":"\#(value)""#))
        #expect(valid ? errors.isEmpty : errors.count == 1 && errors.first?.hasPrefix("taker/") == true)
    }

    @Test func theAdditionsRoundTripInTheCanonicalForm() throws {
        let json = Self.body(#","taker":"STAFF-7""#)
            .map { $0 }
        var voice = try VoiceSubmission.parse(json: json, now: Self.now).get()
        voice.owner.moveInDate = "2025-06-01"
        let encoded = String(decoding: try CareLoopJSON.canonical(voice), as: UTF8.self)
        #expect(encoded.contains(#""move_in_date" : "2025-06-01""#))
        #expect(encoded.contains(#""taker" : "STAFF-7""#))
        #expect(try CareLoopJSON.decode(VoiceSubmission.self, from: Array(encoded.utf8)) == voice)
    }
}
