/// One Kafka record header: a UTF-8 key and an optional byte value (Kafka allows null values).
/// The Kafka layer reads and writes these directly.
package struct RecordHeader: Hashable, Sendable, CustomStringConvertible {
    /// Header name, e.g. `ce_id`.
    package var key: String
    /// Raw value; `nil` is a Kafka null header value.
    package var value: [UInt8]?

    /// Makes a header from raw bytes.
    package init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Makes a header whose value is the UTF-8 bytes of `string`.
    package init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }

    /// The value as a string, or `nil` when it is null or not valid UTF-8.
    package var stringValue: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// `key=value` for logs (non-UTF-8 values shown as a byte count).
    package var description: String {
        guard let value else { return "\(key)=null" }
        return "\(key)=\(stringValue ?? "<\(value.count) bytes>")"
    }
}

extension Array where Element == RecordHeader {
    /// The last header named `key` (Kafka allows repeats; the last one wins, as in the Java client).
    package func last(named key: String) -> RecordHeader? {
        last { $0.key == key }
    }
}
