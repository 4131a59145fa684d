/// An object being written by ``CompactJSONEncoder``.
struct CompactJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: CompactJSONWriter
    let path: CompactJSONPath?
    let index: Int
    let serial: Int

    var codingPath: [any CodingKey] { CompactJSONPath.keys(path) }
    private var sink: CompactJSONSink { writer.sink }

    private func begin(_ key: Key) throws {
        try sink.beginElement(in: index, serial: serial, codingPath: codingPath)
        sink.write(key: key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { try begin(key); sink.writeNull() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); sink.write(bool: value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); sink.write(string: value) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try begin(key)
        try sink.write(float: value, codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try begin(key)
        try sink.write(float: value, codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key); sink.write(integer: value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); sink.write(integer: value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try writer.write(value, path: CompactJSONPath(parent: path, key: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let (index, serial) = nested(key, object: true)
        return KeyedEncodingContainer(
            CompactJSONKeyedContainer<NestedKey>(writer: writer, path: CompactJSONPath(parent: path, key: key), index: index, serial: serial))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let (index, serial) = nested(key, object: false)
        return CompactJSONUnkeyedContainer(writer: writer, path: CompactJSONPath(parent: path, key: key), index: index, serial: serial)
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(key: CompactJSONSuperKey())
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(key: key)
    }

    /// Writes the key, then a placeholder the returned encoder fills (`{}` if it writes nothing).
    private func superEncoder(key: any CodingKey) -> any Encoder {
        guard (try? sink.beginElement(in: index, serial: serial, codingPath: codingPath)) != nil else {
            return CompactJSONLevel.closed(writer: writer, path: path)
        }
        sink.write(key: key.stringValue)
        _ = sink.openPlaceholder()
        return CompactJSONLevel(writer: writer, path: CompactJSONPath(parent: path, key: key), depth: sink.frames.count)
    }

    /// Writes the key and opens a nested object or array; a closed container yields one whose writes throw.
    private func nested(_ key: Key, object: Bool) -> (Int, Int) {
        guard (try? begin(key)) != nil else { return (index, -1) }
        return sink.open(object: object)
    }
}

/// An array being written by ``CompactJSONEncoder``.
struct CompactJSONUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: CompactJSONWriter
    let path: CompactJSONPath?
    let index: Int
    let serial: Int

    var codingPath: [any CodingKey] { CompactJSONPath.keys(path) }
    var count: Int { writer.sink.count(of: index, serial: serial) }
    private var sink: CompactJSONSink { writer.sink }

    private func begin() throws -> CompactJSONPath {
        let position = count
        try sink.beginElement(in: index, serial: serial, codingPath: codingPath)
        return CompactJSONPath(parent: path, key: CompactJSONIndexKey(position))
    }

    mutating func encodeNil() throws { _ = try begin(); sink.writeNull() }
    mutating func encode(_ value: Bool) throws { _ = try begin(); sink.write(bool: value) }
    mutating func encode(_ value: String) throws { _ = try begin(); sink.write(string: value) }
    mutating func encode(_ value: Double) throws {
        let elementPath = try begin()
        try sink.write(float: value, codingPath: CompactJSONPath.keys(elementPath))
    }
    mutating func encode(_ value: Float) throws {
        let elementPath = try begin()
        try sink.write(float: value, codingPath: CompactJSONPath.keys(elementPath))
    }
    mutating func encode(_ value: Int) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: Int8) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: Int16) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: Int32) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: Int64) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: UInt) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: UInt8) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: UInt16) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: UInt32) throws { _ = try begin(); sink.write(integer: value) }
    mutating func encode(_ value: UInt64) throws { _ = try begin(); sink.write(integer: value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let elementPath = try begin()
        try writer.write(value, path: elementPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let (elementPath, index, serial) = nested(object: true)
        return KeyedEncodingContainer(CompactJSONKeyedContainer<NestedKey>(writer: writer, path: elementPath, index: index, serial: serial))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let (elementPath, index, serial) = nested(object: false)
        return CompactJSONUnkeyedContainer(writer: writer, path: elementPath, index: index, serial: serial)
    }

    mutating func superEncoder() -> any Encoder {
        guard let elementPath = try? begin() else { return CompactJSONLevel.closed(writer: writer, path: path) }
        _ = sink.openPlaceholder()
        return CompactJSONLevel(writer: writer, path: elementPath, depth: sink.frames.count)
    }

    private func nested(object: Bool) -> (CompactJSONPath?, Int, Int) {
        guard let elementPath = try? begin() else { return (path, index, -1) }
        let (index, serial) = sink.open(object: object)
        return (elementPath, index, serial)
    }
}

/// A single value written by ``CompactJSONEncoder``, in place.
struct CompactJSONSingleValueContainer: SingleValueEncodingContainer {
    let writer: CompactJSONWriter
    let path: CompactJSONPath?
    /// Handed out by a closed container: every write throws.
    let isClosed: Bool

    var codingPath: [any CodingKey] { CompactJSONPath.keys(path) }

    /// The sink, unless the container is closed.
    private func open() throws -> CompactJSONSink {
        guard !isClosed else {
            throw EncodingError.invalidValue(
                (), EncodingError.Context(codingPath: codingPath, debugDescription: "container used after it was closed"))
        }
        return writer.sink
    }

    mutating func encodeNil() throws { try open().writeNull() }
    mutating func encode(_ value: Bool) throws { try open().write(bool: value) }
    mutating func encode(_ value: String) throws { try open().write(string: value) }
    mutating func encode(_ value: Double) throws { try open().write(float: value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try open().write(float: value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { try open().write(integer: value) }
    mutating func encode(_ value: Int8) throws { try open().write(integer: value) }
    mutating func encode(_ value: Int16) throws { try open().write(integer: value) }
    mutating func encode(_ value: Int32) throws { try open().write(integer: value) }
    mutating func encode(_ value: Int64) throws { try open().write(integer: value) }
    mutating func encode(_ value: UInt) throws { try open().write(integer: value) }
    mutating func encode(_ value: UInt8) throws { try open().write(integer: value) }
    mutating func encode(_ value: UInt16) throws { try open().write(integer: value) }
    mutating func encode(_ value: UInt32) throws { try open().write(integer: value) }
    mutating func encode(_ value: UInt64) throws { try open().write(integer: value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        _ = try open()
        try writer.write(value, path: path)
    }
}
