import CareLoopContracts
import Foundation
import Testing

@testable import CareLoopStorage

/// Stored headers come back as they went in, through the plain scanner or, for anything it does not take, the
/// JSON decoder.
@Suite struct OutboxHeadersTests {
    static let cases: [[RecordHeader]] = [
        [],
        [RecordHeader(key: "ce_id", value: Array("e-1".utf8)), RecordHeader(key: "ce_source", value: Array("careloop://routing".utf8))],
        [RecordHeader(key: "empty", value: []), RecordHeader(key: "none", value: nil)],
        [RecordHeader(key: "binary", value: [0xFF, 0x00, 0x80])],
        [RecordHeader(key: "escaped", value: Array("quote \" backslash \\ newline \n".utf8))],
        [RecordHeader(key: "中文", value: Array("验房 / 🏠".utf8))],
    ]

    @Test("Headers round-trip", arguments: cases)
    func roundTrip(headers: [RecordHeader]) throws {
        #expect(try OutboxHeaders.decode(try OutboxHeaders.encode(headers)) == headers)
    }

    @Test func postgresTextFormIsRead() throws {
        let text = #"[{"key": "ce_id", "value": "e-1"}, {"key": "bin", "base64": "/wCA"}, {"key": "none"}]"#
        #expect(
            try OutboxHeaders.decode(text)
                == [RecordHeader(key: "ce_id", value: Array("e-1".utf8)), RecordHeader(key: "bin", value: [0xFF, 0x00, 0x80]), RecordHeader(key: "none", value: nil)])
    }

    @Test func theScannerTakesPlainRows() throws {
        var text = try OutboxHeaders.encode(Self.cases[1] + Self.cases[2] + Self.cases[3])
        let scanned = text.withUTF8 { bytes in
            var scanner = PlainHeaderScanner(bytes: bytes)
            return scanner.headers()
        }
        #expect(scanned == Self.cases[1] + Self.cases[2] + Self.cases[3])
    }

    @Test func theScannerDeclinesWhatItDoesNotTake() {
        for text in [#"[{"key": "a\"b", "value": "x"}]"#, #"[{"key": "a", "value": 1}]"#, #"[{"value": "x"}]"#, "[", #"{"key": "a"}"#, "[] x"] {
            var copy = text
            let result = copy.withUTF8 { bytes in
                var scanner = PlainHeaderScanner(bytes: bytes)
                return scanner.headers()
            }
            #expect(result == nil, "\(text)")
        }
    }

    @Test func corruptRowsAreErrors() {
        #expect(throws: (any Error).self) { try OutboxHeaders.decode(#"[{"key": "a", "base64": "***"}]"#) }
        #expect(throws: (any Error).self) { try OutboxHeaders.decode("not json") }
    }
}
