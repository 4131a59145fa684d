import Foundation

/// Encodes `Encodable` values as compact JSON, written straight into bytes.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values and then serializes it; on CareLoop's event
/// payloads that tree was most of the encoding cost, and encoding was the largest single item in routing's CPU
/// profile. This encoder writes as the value encodes itself. The values are the ones `JSONEncoder` writes:
/// - dates as ``DateStyle``; `Data` as Base64; `URL` as its absolute string; `Decimal` as a number; `UUID` as its
///   (upper-case) `uuidString`; floats as their `description` without a trailing `.0`; NaN and infinities throw;
/// - `/` and non-ASCII characters are not escaped;
/// - object keys come in the order the type encodes them (declaration order for synthesized `Codable`), and the
///   keys of a `[String: V]` sorted, so the same value always gives the same bytes.
///
/// There is no whitespace. For bytes that must stay identical across versions (hashes, checksums) and for bodies
/// people read, use ``CareLoopJSON/canonical(_:)``.
package struct CompactJSONEncoder: Sendable {
    /// How `Date` values are written.
    package enum DateStyle: Sendable {
        /// RFC 3339 text through ``Timestamp`` (CareLoop's JSON).
        case timestamp
        /// `Date`'s own `Encodable`: seconds since 2001-01-01 as a number, as a default `JSONEncoder` writes it.
        case deferredToDate
    }

    package var dates: DateStyle

    package init(dates: DateStyle = .timestamp) {
        self.dates = dates
    }

    /// The JSON bytes of `value`.
    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = CompactJSONWriter(sink: CompactJSONSink(capacity: 512), dates: dates)
        try writer.write(value, path: nil)
        writer.sink.close(downTo: 0)
        return writer.sink.bytes
    }

    /// The JSON of `value` as a string.
    package func encodeString<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }
}

/// A coding path as a chain from the innermost key, built only when asked for (errors).
final class CompactJSONPath {
    let parent: CompactJSONPath?
    let key: any CodingKey

    init(parent: CompactJSONPath?, key: any CodingKey) {
        self.parent = parent
        self.key = key
    }

    static func keys(_ path: CompactJSONPath?) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var node = path
        while let current = node {
            keys.append(current.key)
            node = current.parent
        }
        return keys.reversed()
    }
}

/// An array index as a coding key.
struct CompactJSONIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// The key `super`, for `superEncoder()`.
struct CompactJSONSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }

    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

/// `[String: V]`, whose keys the encoder sorts.
protocol CompactJSONStringKeyedDictionary {
    func writeSorted(with writer: CompactJSONWriter, path: CompactJSONPath?) throws
}

extension Dictionary: CompactJSONStringKeyedDictionary where Key == String, Value: Encodable {
    func writeSorted(with writer: CompactJSONWriter, path: CompactJSONPath?) throws {
        let (index, serial) = writer.sink.open(object: true)
        for key in keys.sorted() {
            try writer.sink.beginElement(in: index, serial: serial, codingPath: CompactJSONPath.keys(path))
            writer.sink.write(key: key)
            try writer.write(self[key]!, path: CompactJSONPath(parent: path, key: CompactJSONStringKey(key)))
        }
        writer.sink.close(downTo: index)
    }
}

/// A dictionary key as a coding key (error paths only).
struct CompactJSONStringKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Writes one value, with the fast paths for the types `JSONEncoder` treats specially.
struct CompactJSONWriter {
    let sink: CompactJSONSink
    let dates: CompactJSONEncoder.DateStyle

    func write<T: Encodable>(_ value: T, path: CompactJSONPath?) throws {
        if T.self == String.self { return sink.write(string: value as! String) }
        if T.self == Int.self { return sink.write(integer: value as! Int) }
        if T.self == Bool.self { return sink.write(bool: value as! Bool) }
        if T.self == Double.self { return try sink.write(float: value as! Double, codingPath: CompactJSONPath.keys(path)) }
        if T.self == Timestamp.self { return sink.write(timestamp: value as! Timestamp) }
        if T.self == UUID.self { return sink.write(string: (value as! UUID).uuidString) }
        if T.self == Date.self, dates == .timestamp { return sink.write(timestamp: Timestamp(value as! Date)) }
        if T.self == Data.self { return sink.write(string: (value as! Data).base64EncodedString()) }
        if T.self == URL.self { return sink.write(string: (value as! URL).absoluteString) }
        if T.self == Decimal.self {
            let decimal = value as! Decimal
            guard !decimal.isNaN else {
                throw EncodingError.invalidValue(
                    decimal, EncodingError.Context(codingPath: CompactJSONPath.keys(path), debugDescription: "NaN is not representable in JSON"))
            }
            return sink.bytes.append(contentsOf: decimal.description.utf8)
        }
        if let dictionary = value as? any CompactJSONStringKeyedDictionary {
            return try dictionary.writeSorted(with: self, path: path)
        }
        let depth = sink.frames.count
        let start = sink.bytes.count
        try value.encode(to: CompactJSONLevel(writer: self, path: path, depth: depth))
        sink.close(downTo: depth)
        if sink.bytes.count == start { sink.bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")]) }
    }
}

/// The `Encoder` of one value: opens at most one container (asking again returns the same one).
final class CompactJSONLevel: Encoder {
    let writer: CompactJSONWriter
    let path: CompactJSONPath?
    /// The number of open frames when the value started; its container is the frame at this index.
    let depth: Int
    /// A level handed out by a closed container: every write through it throws.
    private let isClosed: Bool
    private var frame: (index: Int, serial: Int)?

    init(writer: CompactJSONWriter, path: CompactJSONPath?, depth: Int) {
        self.writer = writer
        self.path = path
        self.depth = depth
        isClosed = false
    }

    private init(closedWith writer: CompactJSONWriter, path: CompactJSONPath?) {
        self.writer = writer
        self.path = path
        depth = 0
        isClosed = true
        frame = (0, -1)
    }

    /// The encoder a closed container hands out for a super encoder.
    static func closed(writer: CompactJSONWriter, path: CompactJSONPath?) -> CompactJSONLevel {
        CompactJSONLevel(closedWith: writer, path: path)
    }

    var codingPath: [any CodingKey] { CompactJSONPath.keys(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let frame = self.frame ?? writer.sink.open(object: true)
        self.frame = frame
        return KeyedEncodingContainer(CompactJSONKeyedContainer<Key>(writer: writer, path: path, index: frame.index, serial: frame.serial))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let frame = self.frame ?? writer.sink.open(object: false)
        self.frame = frame
        return CompactJSONUnkeyedContainer(writer: writer, path: path, index: frame.index, serial: frame.serial)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        CompactJSONSingleValueContainer(writer: writer, path: path, isClosed: isClosed)
    }
}
