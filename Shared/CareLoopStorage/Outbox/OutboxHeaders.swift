import CareLoopContracts
import Foundation

/// How record headers are stored in `outbox.headers` (`jsonb`).
///
/// An array of `{"key": …, "value": …}` in header order; a value that is valid UTF-8 (as CloudEvents headers are)
/// is stored as a string so the column is readable in `psql`, any other as `{"key": …, "base64": …}`;
/// a `nil` value has neither field.
enum OutboxHeaders {
    private struct Stored: Codable {
        var key: String
        var value: String?
        var base64: String?
    }

    /// The JSON text for `headers`.
    static func encode(_ headers: [RecordHeader]) throws -> String {
        let stored = headers.map { header in
            guard let bytes = header.value else { return Stored(key: header.key) }
            if let text = String(validating: bytes, as: UTF8.self) {
                return Stored(key: header.key, value: text)
            }
            return Stored(key: header.key, base64: Data(bytes).base64EncodedString())
        }
        return try CompactJSONEncoder().encodeString(stored)
    }

    /// The headers stored as `json`.
    static func decode(_ json: String) throws -> [RecordHeader] {
        // The relay decodes the headers of every row it publishes; Foundation's decoder was 2 % of the machine's
        // CPU at full load. Plain rows (no escapes, as CloudEvents headers are) take the scanner below.
        var json = json
        if let headers = json.withUTF8({ bytes in
            var scanner = PlainHeaderScanner(bytes: bytes)
            return scanner.headers()
        }) {
            return headers
        }
        let stored = try JSONDecoder().decode([Stored].self, from: Data(json.utf8))
        return try stored.map { header in
            if let text = header.value {
                return RecordHeader(key: header.key, value: Array(text.utf8))
            }
            if let base64 = header.base64 {
                guard let bytes = Data(base64Encoded: base64) else {
                    throw StorageError(.corruptOutboxRow, "header '\(header.key)' holds invalid base64")
                }
                return RecordHeader(key: header.key, value: Array(bytes))
            }
            return RecordHeader(key: header.key, value: nil)
        }
    }
}

/// Reads `[{"key": "…", "value": "…"}, …]` as PostgreSQL prints a `jsonb` array of header objects, when every
/// string is plain (no backslash) and every member is `key`, `value` or `base64` with a string or `null`.
/// Anything else returns `nil`, and the caller uses the full JSON decoder.
struct PlainHeaderScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func headers() -> [RecordHeader]? {
        var headers: [RecordHeader] = []
        guard take(UInt8(ascii: "[")) else { return nil }
        if take(UInt8(ascii: "]")) { return atEnd ? headers : nil }
        repeat {
            guard let header = object() else { return nil }
            headers.append(header)
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "]")), atEnd else { return nil }
        return headers
    }

    private mutating func object() -> RecordHeader? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var key: String?
        var value: [UInt8]?
        var hasValue = false
        repeat {
            guard let name = string(), take(UInt8(ascii: ":")) else { return nil }
            let member: String?
            if takeNull() {
                member = nil
            } else if let text = string() {
                member = text
            } else {
                return nil
            }
            switch name {
            case "key": key = member
            case "value":
                guard !hasValue else { return nil }
                if let member { value = Array(member.utf8); hasValue = true }
            case "base64":
                guard !hasValue else { return nil }
                if let member {
                    guard let decoded = Data(base64Encoded: member) else { return nil }
                    value = Array(decoded)
                    hasValue = true
                }
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let key else { return nil }
        return RecordHeader(key: key, value: value)
    }

    /// A string without escapes.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            case UInt8(ascii: "\\"), 0..<0x20:
                return nil
            default:
                position += 1
            }
        }
        return nil
    }

    private mutating func takeNull() -> Bool {
        skipSpace()
        guard bytes.count - position >= 4, bytes[position] == UInt8(ascii: "n"), bytes[position + 1] == UInt8(ascii: "u"),
            bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l")
        else { return false }
        position += 4
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private var atEnd: Bool {
        mutating get {
            skipSpace()
            return position == bytes.count
        }
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }
}
