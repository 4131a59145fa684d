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
