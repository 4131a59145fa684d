/// A cursor over the UTF-8 bytes of a short ASCII grammar (RFC 3339 timestamps and dates).
struct ASCIIScanner {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool {
        position == bytes.count
    }

    /// The next byte, without consuming it.
    var peek: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        position += 1
        return true
    }

    /// Consumes exactly `count` ASCII digits and returns their value.
    mutating func digits(_ count: Int) -> Int? {
        guard position + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        position += count
        return value
    }

    /// Consumes a run of ASCII digits (possibly empty) and returns them with their count.
    mutating func digitRun() -> (value: Int, count: Int) {
        var value = 0
        var count = 0
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            if count < 18 { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
            count += 1
            position += 1
        }
        return (value, count)
    }

    /// Consumes `YYYY-MM-DD` and checks that the date exists.
    mutating func fullDate() -> CivilDate? {
        guard let year = digits(4), take(UInt8(ascii: "-")), let month = digits(2), take(UInt8(ascii: "-")),
            let day = digits(2)
        else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }
}
