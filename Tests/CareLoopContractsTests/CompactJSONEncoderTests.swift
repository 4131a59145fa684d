import CareLoopContracts
import Foundation
import Testing

/// The compact encoder writes the same JSON values as Foundation's `JSONEncoder`, without whitespace, in a
/// deterministic order, and fails where Foundation fails.
@Suite struct CompactJSONEncoderTests {
    struct Scalars: Codable, Equatable {
        var int = Int.min, int8 = Int8.min, int16 = Int16.max, int32 = Int32.min, int64 = Int64.max
        var uint = UInt.max, uint8 = UInt8.max, uint16 = UInt16.max, uint32 = UInt32.max, uint64 = UInt64.max
        var zero = 0, double = 0.1, integral = 3.0, huge = 1e300, tiny = -2.5e-300, float: Float = 1.5
        var yes = true, no = false
        var text = "quote \" backslash \\ slash / tab \t newline \n nul \u{0} bell \u{7} unit \u{1F} 验房 🏠 \u{2028}"
        var missing: String? = nil
        var present: Int? = 7
    }

    struct Wrapper: Codable, Equatable {
        enum Kind: String, Codable { case repair, complaint }
        var kind = Kind.repair
        var id = UUID(uuidString: "C0A8012E-7B1D-4F7E-9A55-2F6A1D3E9B01")!
        var at = Date(timeIntervalSince1970: 1_795_327_200.123)
        var stamp = try! Timestamp(rfc3339: "2026-11-21T23:15:30.123456789-05:30")
        var blob = Data([0, 1, 2, 250, 255])
        var link = URL(string: "https://example.com/a/b?c=d")!
        var amount = Decimal(string: "1234.5678")!
        var list: [Int?] = [1, nil, 3]
        var nested: [[String]] = [[], ["a"], ["b", "c"]]
        var byName: [String: Int] = ["b": 2, "a": 1, "中": 3]
        var byNumber: [Int: String] = [2: "two", 1: "one"]
        var scalars = Scalars()
        var empty = Empty()
    }

    struct Empty: Codable, Equatable {}

    /// Encodes with nested containers and super encoders, as hand-written `encode(to:)` implementations may.
    struct Handwritten: Encodable {
        enum Keys: String, CodingKey { case a, inner, list, parent, after }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .a)
            var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
            try inner.encode("x", forKey: .a)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            var deeper = list.nestedContainer(keyedBy: Keys.self)
            try deeper.encode(true, forKey: .a)
            try list.encodeNil()
            let parent = container.superEncoder(forKey: .parent)
            var parentValues = parent.unkeyedContainer()
            try parentValues.encode("p")
            _ = container.superEncoder()  // writes nothing: {}
            try container.encode(2, forKey: .after)
        }
    }

    static func tree(_ bytes: [UInt8]) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? NSObject)
    }

    @Test func scalarsAndSpecialTypesMatchFoundation() throws {
        let value = Wrapper()
        let compact = try CompactJSONEncoder(dates: .deferredToDate).encode(value)
        #expect(try Self.tree(compact) == Self.tree(Array(JSONEncoder().encode(value))))
        #expect(try JSONDecoder().decode(Wrapper.self, from: Data(compact)) == value)
    }

    @Test func datesAsTimestampsMatchCareLoopsFoundationForm() throws {
        let value = Wrapper()
        let compact = try CompactJSONEncoder().encode(value)
        #expect(try Self.tree(compact) == Self.tree(CareLoopJSON.canonical(value)))
        #expect(String(decoding: compact, as: UTF8.self).contains(#""at":"2026-11-22T06:00:00.123Z""#))
        #expect(try CareLoopJSON.decode(Wrapper.self, from: compact) == value)
    }

    @Test func handwrittenContainersMatchFoundation() throws {
        let compact = try CompactJSONEncoder().encode(Handwritten())
        #expect(try Self.tree(compact) == Self.tree(Array(JSONEncoder().encode(Handwritten()))))
        #expect(
            String(decoding: compact, as: UTF8.self)
                == #"{"a":1,"inner":{"a":"x"},"list":[1,{"a":true},null],"parent":["p"],"super":{},"after":2}"#)
    }

    @Test func outputIsCompactInDeclarationOrderWithSortedDictionaryKeys() throws {
        struct Pair: Encodable {
            var name = "x"
            var number = 1
            var tags = ["z": true, "a": false]
        }
        #expect(String(decoding: try CompactJSONEncoder().encode(Pair()), as: UTF8.self) == #"{"name":"x","number":1,"tags":{"a":false,"z":true}}"#)
        #expect(String(decoding: try CompactJSONEncoder().encode(Empty()), as: UTF8.self) == "{}")
        #expect(String(decoding: try CompactJSONEncoder().encode([Empty]()), as: UTF8.self) == "[]")
        #expect(String(decoding: try CompactJSONEncoder().encode("a/b"), as: UTF8.self) == #""a/b""#)
    }

    @Test func everyControlCharacterIsEscaped() throws {
        let text = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        let compact = try CompactJSONEncoder().encode([text])
        #expect(!compact.contains { $0 < 0x20 })
        #expect(try JSONDecoder().decode([String].self, from: Data(compact)) == [text])
    }

    @Test func floatsPrintAsFoundationPrintsThem() throws {
        for value in [0.0, -0.0, 1.0, 100.0, 0.5, 1e16, Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude, 123456.789] {
            let compact = String(decoding: try CompactJSONEncoder().encode([value]), as: UTF8.self)
            let foundation = String(decoding: try JSONEncoder().encode([value]), as: UTF8.self)
            #expect(compact == foundation, "\(value)")
        }
    }

    @Test func nonFiniteFloatsThrowWithTheirPath() throws {
        struct Reading: Encodable { var value = Double.nan }
        struct Outer: Encodable { var readings = [Reading()] }
        #expect(throws: EncodingError.self) { try CompactJSONEncoder().encode(Outer()) }
        do {
            _ = try CompactJSONEncoder().encode(Outer())
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["readings", "Index 0", "value"])
        }
        #expect(throws: EncodingError.self) { try CompactJSONEncoder().encode([Double.infinity]) }
        #expect(throws: EncodingError.self) { try CompactJSONEncoder().encode([Decimal.nan]) }
    }

    @Test func aContainerUsedAfterItWasClosedThrows() throws {
        struct Misuse: Encodable {
            enum Keys: String, CodingKey { case first, second }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var first = container.nestedContainer(keyedBy: Keys.self, forKey: .first)
                try container.encode(1, forKey: .second)  // closes `first`
                try first.encode(2, forKey: .second)
            }
        }
        #expect(throws: EncodingError.self) { try CompactJSONEncoder().encode(Misuse()) }
    }

    @Test func caseEventsRoundTrip() throws {
        let original = try CaseEventData.parse(json: try Fixture.bytes("case.routed.json")).get()
        let compact = try CareLoopJSON.encode(original)
        #expect(try CaseEventData.parse(json: compact).get() == original)
        #expect(compact.count < (try CareLoopJSON.canonical(original)).count)
    }
}
