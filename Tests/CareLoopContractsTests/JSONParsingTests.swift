import CareLoopContracts
import Foundation
import Testing

/// The strict JSON reader under `VoiceSubmission.parse` and `IntakeSubmission.parse`: every well-formed body reads,
/// anything else is one `json` error at `$`.
@Suite struct JSONParsingTests {
    static func body(description: String, extra: String = "") -> String {
        """
        {"kind":"repair","channel":"app","submitted_at":"2026-11-22T09:30:00+08:00","owner":{"id":"OWN-1"},
         "property":{"city":"shenzhen","project":"SZ-FSG"},"description":\(description)\(extra)}
        """
    }

    static func parsed(_ json: String) -> Result<VoiceSubmission, ValidationErrors> {
        VoiceSubmission.parse(json: Array(json.utf8), now: Fixture.now)
    }

    @Test(
        "escapes, surrogate pairs and raw UTF-8 read as written",
        arguments: [
            (#""\u6f0f\u6c34 \ud83d\udeb0 \"q\" \\ \/ \b\f\n\r\t""#, "漏水 🚰 \"q\" \\ / \u{08}\u{0C}\n\r\t"),
            (#""漏水了🚰""#, "漏水了🚰"),
            (#""a\u0000b""#, "a\u{0}b"),
            (#""  spaced  ""#, "  spaced  "),
        ])
    func strings(literal: String, expected: String) throws {
        #expect(try Self.parsed(Self.body(description: literal)).get().description == expected)
    }

    @Test(
        "numbers, literals, nesting and whitespace of every kind are well-formed (the member is then just of the wrong type)",
        arguments: [
            #", "title": 0"#, #", "title": -12.5e+3"#, #", "title": 1E-2"#, #", "title": true"#, #", "title": false"#,
            #", "title": [1, [2, [3, {"a": null}]]]"#, " ,\t\"title\"\r\n:\n{ }",
        ])
    func wellFormedOtherTypes(extra: String) {
        guard case .failure(let errors) = Self.parsed(Self.body(description: #""ok""#, extra: extra)) else {
            Issue.record("a non-string title must be a type error")
            return
        }
        #expect(errors.pathsAndRules.map(\.description) == ["title/type"])
    }

    @Test(
        "anything else is one json error at $",
        arguments: [
            #""unterminated"#, #""bad \x escape""#, #""lone \ud83d surrogate""#, #""lone \udeb0 low""#, #""short \u12""#,
            "\"raw\ttab\"", "\"raw\nnewline\"", #""ok", "title": 01"#, #""ok", "title": 1."#, #""ok", "title": .5"#,
            #""ok", "title": -"#, #""ok", "title": 1e"#, #""ok", "title": tru"#, #""ok", "title": nul"#, #""ok",}"#,
            #""ok" "title": "x""#, #""ok", "title": [1,]"#, #""ok", "title": NaN"#, #""ok", "title": 1e999"#,
        ])
    func malformed(literal: String) {
        guard case .failure(let errors) = Self.parsed(Self.body(description: literal)) else {
            Issue.record("must fail: \(literal)")
            return
        }
        #expect(errors.pathsAndRules.map(\.description) == ["$/json"], "\(literal)")
    }

    @Test func trailingContentAndDeepNestingAreMalformed() {
        #expect(Self.errors(Self.body(description: #""ok""#) + " x") == ["$/json"])
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(Self.errors(Self.body(description: #""ok""#, extra: ", \"title\": \(deep)")) == ["$/json"])
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(Self.errors(Self.body(description: #""ok""#, extra: ", \"title\": \(fine)")) == ["title/type"])
    }

    @Test func invalidUTF8InsideAStringIsMalformed() {
        var bytes = Array(Self.body(description: #""ab""#).utf8)
        let quote = bytes.lastIndex(of: UInt8(ascii: "b"))!
        bytes[quote] = 0xC3  // a lead byte with no continuation
        #expect((try? VoiceSubmission.parse(json: bytes, now: Fixture.now).get()) == nil)
        if case .failure(let errors) = VoiceSubmission.parse(json: bytes, now: Fixture.now) {
            #expect(errors.pathsAndRules.map(\.description) == ["$/json"])
        }
    }

    @Test func theFirstOfARepeatedMemberCounts() throws {
        let json = Self.body(description: #""first""#, extra: #", "description": "second""#)
        #expect(try Self.parsed(json).get().description == "first")
    }

    static func errors(_ json: String) -> [String] {
        switch parsed(json) {
        case .success: []
        case .failure(let errors): errors.pathsAndRules.map(\.description).sorted()
        }
    }
}
