/// The bytes a ``CompactJSONEncoder`` writes, and its open containers.
///
/// `Encoder` has no "container finished" call, so a container is closed by whoever writes next at its level or
/// above: a write into frame `i` first closes every frame above `i`, and a finished value closes what it opened.
final class CompactJSONSink {
    /// One open object or array.
    struct Frame {
        /// `}` or `]`; `0` for a placeholder that owes a value (a super encoder's slot).
        var closer: UInt8
        /// Elements written so far.
        var count = 0
        /// Unique per frame, so a container whose frame was closed is detected, not written into a newer frame.
        var serial: Int
        /// For a placeholder: the byte count when it was opened.
        var start = 0
    }

    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) private(set) var frames: [Frame] = []
    @exclusivity(unchecked) private var nextSerial = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object (`{`) or array (`[`); returns the frame's index and serial.
    func open(object: Bool) -> (index: Int, serial: Int) {
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return push(Frame(closer: object ? UInt8(ascii: "}") : UInt8(ascii: "]"), serial: 0))
    }

    /// Opens a placeholder for a value written later by another encoder; closed as `{}` if nothing was written.
    func openPlaceholder() -> Int {
        push(Frame(closer: 0, serial: 0, start: bytes.count)).index
    }

    private func push(_ frame: Frame) -> (index: Int, serial: Int) {
        var frame = frame
        nextSerial += 1
        frame.serial = nextSerial
        frames.append(frame)
        return (frames.count - 1, nextSerial)
    }

    /// Closes every frame at `depth` and above.
    func close(downTo depth: Int) {
        while frames.count > depth {
            let frame = frames.removeLast()
            if frame.closer != 0 {
                bytes.append(frame.closer)
            } else if bytes.count == frame.start {
                bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            }
        }
    }

    /// Starts the next element of frame `index`: closes the frames above it, writes the separator.
    /// - Throws: when the frame was already closed (a container used after its value was finished).
    func beginElement(in index: Int, serial: Int, codingPath: @autoclosure () -> [any CodingKey]) throws {
        guard index < frames.count, frames[index].serial == serial else {
            throw EncodingError.invalidValue(
                (), EncodingError.Context(codingPath: codingPath(), debugDescription: "container used after it was closed"))
        }
        close(downTo: index + 1)
        if frames[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[index].count += 1
    }

    /// Elements written to frame `index` so far (0 once it is closed).
    func count(of index: Int, serial: Int) -> Int {
        index < frames.count && frames[index].serial == serial ? frames[index].count : 0
    }

    // MARK: Scalars

    /// Writes `string` as a JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
    /// escapes, everything else (including `/` and non-ASCII) as its UTF-8 bytes.
    func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var copy = string
            copy.withUTF8 { appendEscaped($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            writeEscape(byte)
            runStart = index + 1
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
    }

    private func writeEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    /// Writes `timestamp` as a JSON string of its RFC 3339 text.
    func write(timestamp: Timestamp) {
        bytes.append(UInt8(ascii: "\""))
        timestamp.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes an integer in decimal.
    func write<T: BinaryInteger>(integer value: T) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        while magnitude > 0 {
            let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
            bytes.append(UInt8(ascii: "0") + UInt8(remainder))
            magnitude = quotient
        }
        bytes[start...].reverse()
    }

    /// Writes a finite float as Foundation's `JSONEncoder` does: its `description`, without a trailing `.0`.
    func write<T: BinaryFloatingPoint & CustomStringConvertible>(
        float value: T, codingPath: @autoclosure () -> [any CodingKey]
    ) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath(), debugDescription: "\(value) is not representable in JSON"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    func write(bool value: Bool) {
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    func writeNull() {
        bytes.append(contentsOf: Self.nullBytes)
    }

    /// Writes `"key":`.
    func write(key: String) {
        write(string: key)
        bytes.append(UInt8(ascii: ":"))
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
}
