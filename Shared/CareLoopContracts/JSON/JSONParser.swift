/// A strict RFC 8259 parser from UTF-8 bytes to ``JSONValue``, for untrusted bodies: one pass, no intermediate
/// objects, an error for anything that is not exactly one well-formed JSON value (invalid UTF-8, control characters
/// in strings, lone surrogates, trailing content, nesting deeper than ``maxDepth``). Of a repeated object member the
/// first counts.
struct JSONParser {
    /// How deeply arrays and objects may nest.
    static let maxDepth = 512

    /// Why the bytes are not JSON.
    struct Failure: Error {
        var offset: Int
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The one value of `bytes`.
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Failure(offset: parser.index) }
        return value
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        switch current {
        case UInt8(ascii: "{")?: return try object()
        case UInt8(ascii: "[")?: return try array()
        case UInt8(ascii: "\"")?: return .string(try string())
        case UInt8(ascii: "t")?: return try literal("true", .bool(true))
        case UInt8(ascii: "f")?: return try literal("false", .bool(false))
        case UInt8(ascii: "n")?: return try literal("null", .null)
        case let byte? where byte == UInt8(ascii: "-") || Self.isDigit(byte): return try number()
        default: throw Failure(offset: index)
        }
    }

    private mutating func literal(_ word: StaticString, _ result: JSONValue) throws(Failure) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Failure(offset: index) }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Failure(offset: index + offset) }
        index += count
        return result
    }

    private mutating func nest() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Failure(offset: index) }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try nest()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw Failure(offset: index) }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw Failure(offset: index) }
            index += 1
            skipWhitespace()
            let member = try value()
            if members[key] == nil { members[key] = member }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "}")?:
                index += 1
                depth -= 1
                return .object(members)
            default: throw Failure(offset: index)
            }
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try nest()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "]")?:
                index += 1
                depth -= 1
                return .array(elements)
            default: throw Failure(offset: index)
            }
        }
    }

    /// A string starting at the opening quote; the index ends after the closing one.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while let byte = current, byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw Failure(offset: index) }
            index += 1
        }
        guard let stop = current else { throw Failure(offset: index) }
        var utf8 = Array(bytes[start..<index])
        if stop == UInt8(ascii: "\"") {
            index += 1
            return try Self.decode(utf8, at: start)
        }
        while true {
            guard let byte = current else { throw Failure(offset: index) }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try Self.decode(utf8, at: start)
            case UInt8(ascii: "\\"):
                guard let escaped = current else { throw Failure(offset: index) }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8 += try unicodeEscape()
                default: throw Failure(offset: index - 1)
                }
            default:
                guard byte >= 0x20 else { throw Failure(offset: index - 1) }
                utf8.append(byte)
            }
        }
    }

    /// The UTF-8 of a `\uXXXX` escape (the `\u` consumed), joining a surrogate pair.
    private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
        let first = try hex4()
        var scalarValue = first
        if (0xD800...0xDBFF).contains(first) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw Failure(offset: index)
            }
            index += 2
            let second = try hex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw Failure(offset: index) }
            scalarValue = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(first) {
            throw Failure(offset: index)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw Failure(offset: index) }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Failure(offset: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Failure(offset: index)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private static func decode(_ utf8: [UInt8], at offset: Int) throws(Failure) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw Failure(offset: offset) }
        return text
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, Self.isDigit(first) else { throw Failure(offset: index) }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let digit = current, Self.isDigit(digit) else { throw Failure(offset: index) }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let digit = current, Self.isDigit(digit) else { throw Failure(offset: index) }
            skipDigits()
        }
        guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)), number.isFinite else {
            throw Failure(offset: start)
        }
        return .number(number)
    }

    private mutating func skipDigits() {
        while let byte = current, Self.isDigit(byte) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
