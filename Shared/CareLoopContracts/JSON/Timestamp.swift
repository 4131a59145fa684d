import Foundation

/// An RFC 3339 instant that also remembers how it was written (UTC offset and fractional-second digits),
/// so `"2026-11-22T09:30:00+08:00"` decodes and re-encodes byte-identical.
///
/// Equality, hashing and ordering compare the instant only: `09:30:00+08:00` == `01:30:00Z`.
/// Made from a `Date`, a timestamp is written in UTC with `Z` and millisecond precision.
package struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z (floor, so negative for earlier instants).
    package let secondsSince1970: Int64
    /// Nanoseconds within that second, `0..<1_000_000_000`.
    package let nanoseconds: Int32
    /// The offset the timestamp is written with.
    package let utcOffset: UTCOffset
    /// How many fractional-second digits are written, `0...9`.
    package let fractionDigits: Int

    /// Makes a timestamp from its parts.
    /// - Precondition: `nanoseconds` in `0..<1_000_000_000`, `fractionDigits` in `0...9`, the
    ///   nanoseconds representable with that many digits, and the offset under 24 hours.
    package init(secondsSince1970: Int64, nanoseconds: Int32 = 0, utcOffset: UTCOffset = .utc, fractionDigits: Int = 3)
    {
        precondition((0..<1_000_000_000).contains(nanoseconds), "nanoseconds out of range")
        precondition((0...9).contains(fractionDigits), "fractionDigits out of range")
        precondition(abs(utcOffset.seconds) < 86_400, "UTC offset must be less than 24 hours")
        precondition(
            Int(nanoseconds) % Self.powerOfTen(9 - fractionDigits) == 0,
            "nanoseconds need more than fractionDigits digits"
        )
        self.secondsSince1970 = secondsSince1970
        self.nanoseconds = nanoseconds
        self.utcOffset = utcOffset
        self.fractionDigits = fractionDigits
    }

    /// The instant of `date`, rounded to the millisecond, written in UTC with `Z` and three fraction digits.
    package init(_ date: Date) {
        self.init(date, utcOffset: .utc)
    }

    /// The instant of `date`, rounded to the millisecond, written with the given offset and three fraction
    /// digits (e.g. a deadline shown in the project's city time, `+08:00`).
    package init(_ date: Date, utcOffset: UTCOffset) {
        let range = Double(Self.earliestSecond)...Double(Self.latestSecond)
        let clamped = min(max(date.timeIntervalSince1970, range.lowerBound), range.upperBound)
        let milliseconds = Int64((clamped * 1000).rounded())
        let (seconds, remainder) = Self.floorDivision(milliseconds, 1000)
        self.init(
            secondsSince1970: seconds,
            nanoseconds: Int32(remainder * 1_000_000),
            utcOffset: utcOffset,
            fractionDigits: 3
        )
    }

    /// The instant as a `Date` (sub-microsecond digits may be lost to `Double`).
    package var date: Date {
        Date(timeIntervalSince1970: Double(secondsSince1970) + Double(nanoseconds) / 1e9)
    }

    /// The same instant written with another offset, keeping the fraction digits.
    package func expressed(in offset: UTCOffset) -> Timestamp {
        Timestamp(
            secondsSince1970: secondsSince1970,
            nanoseconds: nanoseconds,
            utcOffset: offset,
            fractionDigits: fractionDigits
        )
    }

    /// The RFC 3339 text, exactly as it was parsed or, for a `Date`, in UTC with milliseconds.
    package var description: String {
        rfc3339
    }

    /// Compares instants (the written offset plays no part).
    package static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSince1970 == rhs.secondsSince1970 && lhs.nanoseconds == rhs.nanoseconds
    }

    /// Hashes the instant (the written offset plays no part).
    package func hash(into hasher: inout Hasher) {
        hasher.combine(secondsSince1970)
        hasher.combine(nanoseconds)
    }

    /// Orders by instant.
    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.secondsSince1970, lhs.nanoseconds) < (rhs.secondsSince1970, rhs.nanoseconds)
    }

    /// Decodes an RFC 3339 string; anything else is a `DecodingError.dataCorrupted` whose underlying
    /// error is a ``TimestampFormatError``.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Timestamp(rfc3339: text)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: error.description,
                    underlyingError: error
                )
            )
        }
    }

    /// Encodes the RFC 3339 text.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    /// The offset a timestamp is written with.
    package enum UTCOffset: Sendable, Hashable {
        /// `Z`.
        case utc
        /// `+hh:mm` or `-hh:mm`, in minutes east of UTC (`+00:00` is `.minutes(0)`).
        case minutes(Int)
        /// `-00:00`: the time is UTC and the local offset is unknown (RFC 3339 §4.3).
        case unknownLocal

        /// Seconds east of UTC.
        package var seconds: Int {
            switch self {
            case .utc, .unknownLocal: 0
            case .minutes(let minutes): minutes * 60
            }
        }
    }
}

extension Timestamp {
    /// 0000-01-01T00:00:00Z, the earliest instant RFC 3339 can write.
    static let earliestSecond: Int64 = -62_167_219_200
    /// 9999-12-31T23:59:59Z, the latest whole second RFC 3339 can write.
    static let latestSecond: Int64 = 253_402_300_799

    /// 10^exponent for small exponents.
    static func powerOfTen(_ exponent: Int) -> Int {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }

    /// Division rounding toward negative infinity, with a non-negative remainder.
    static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
