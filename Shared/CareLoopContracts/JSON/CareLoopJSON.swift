import Foundation

/// The JSON configuration every CareLoop service uses, so the same value always encodes to the same bytes.
///
/// Two forms, the same values: ``encode(_:)`` is compact (no whitespace, keys in declaration order) and fast, for
/// events and stored documents; ``canonical(_:)`` is pretty-printed with sorted keys and unescaped slashes
/// (`.prettyPrinted`, `.sortedKeys`, `.withoutEscapingSlashes`), for hashes, checksums and HTTP bodies. Keys
/// come from explicit `CodingKeys` (snake_case); no key strategy is used. `Date` values are written as RFC 3339
/// UTC with milliseconds (see ``Timestamp``).
package enum CareLoopJSON {
    /// Media type of CareLoop JSON bodies and record values.
    package static let mediaType = "application/json"

    /// A new encoder with the shared configuration (encoders are not shared across tasks).
    package static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            try Timestamp(date).encode(to: encoder)
        }
        return encoder
    }

    /// A new decoder with the shared configuration; `Date` values must be RFC 3339.
    package static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try Timestamp(from: decoder).date
        }
        return decoder
    }

    /// Encodes `value` as compact JSON (``CompactJSONEncoder``): events, snapshots, stored documents.
    package static func encode(_ value: some Encodable) throws -> [UInt8] {
        try compact.encode(value)
    }

    /// Encodes `value` in the canonical form: Foundation's encoder, sorted keys, indented. Its bytes stay the same
    /// from version to version, so hashes and checksums over it hold; it is also the form of HTTP bodies.
    package static func canonical(_ value: some Encodable) throws -> [UInt8] {
        Array(try makeEncoder().encode(value))
    }

    private static let compact = CompactJSONEncoder()

    /// Decodes a `T` from UTF-8 JSON bytes.
    package static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        try makeDecoder().decode(type, from: Data(bytes))
    }
}
