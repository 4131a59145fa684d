extension Timestamp {
    /// Parses RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction]` followed by `Z` or `±hh:mm`,
    /// with 1–9 fraction digits. Rejects lowercase `t`/`z`, a space separator, leap second `60`,
    /// missing offsets and any surrounding text, so every accepted string re-encodes byte-identical.
    package init(rfc3339 text: String) throws(TimestampFormatError) {
        func failure(_ reason: String) -> TimestampFormatError {
            TimestampFormatError(input: text, reason: reason)
        }
        var scanner = ASCIIScanner(text)
        guard let date = scanner.fullDate() else {
            throw failure("the date must be YYYY-MM-DD and exist in the calendar")
        }
        guard scanner.take(UInt8(ascii: "T")) else {
            throw failure("date and time must be separated by an uppercase T")
        }
        guard let hour = scanner.digits(2), scanner.take(UInt8(ascii: ":")), let minute = scanner.digits(2),
            scanner.take(UInt8(ascii: ":")), let second = scanner.digits(2)
        else { throw failure("the time must be HH:MM:SS") }
        guard hour < 24, minute < 60, second < 60 else {
            throw failure("hour, minute or second out of range (leap seconds are not supported)")
        }
        var nanoseconds = 0
        var fractionDigits = 0
        if scanner.take(UInt8(ascii: ".")) {
            let fraction = scanner.digitRun()
            guard (1...9).contains(fraction.count) else {
                throw failure("fractional seconds need 1 to 9 digits")
            }
            fractionDigits = fraction.count
            nanoseconds = fraction.value * Self.powerOfTen(9 - fraction.count)
        }
        let offset = try Self.scanOffset(&scanner, failure: failure)
        guard scanner.isAtEnd else { throw failure("unexpected text after the offset") }
        let localSeconds = date.daysSince1970 * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.init(
            secondsSince1970: localSeconds - Int64(offset.seconds),
            nanoseconds: Int32(nanoseconds),
            utcOffset: offset,
            fractionDigits: fractionDigits
        )
    }

    /// Whether `text` is an RFC 3339 timestamp this type accepts.
    package static func isValidRFC3339(_ text: String) -> Bool {
        (try? Timestamp(rfc3339: text)) != nil
    }

    /// The RFC 3339 text: local date and time for the offset, the fraction with `fractionDigits` digits,
    /// then `Z` or `±hh:mm`.
    package var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``rfc3339`` to `bytes` as UTF-8, without building a string (the JSON encoder's path).
    package func appendRFC3339(to bytes: inout [UInt8]) {
        let local = secondsSince1970 + Int64(utcOffset.seconds)
        let (days, secondOfDay) = Self.floorDivision(local, 86_400)
        let date = CivilDate(daysSince1970: days)
        let second = Int(secondOfDay)
        Self.appendDigits(date.year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.appendDigits(date.month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.appendDigits(date.day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.appendDigits(second / 3600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.appendDigits(second / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.appendDigits(second % 60, width: 2, to: &bytes)
        if fractionDigits > 0 {
            bytes.append(UInt8(ascii: "."))
            Self.appendDigits(Int(nanoseconds) / Self.powerOfTen(9 - fractionDigits), width: fractionDigits, to: &bytes)
        }
        switch utcOffset {
        case .utc:
            bytes.append(UInt8(ascii: "Z"))
        case .unknownLocal:
            bytes.append(contentsOf: "-00:00".utf8)
        case .minutes(let minutes):
            bytes.append(minutes < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            Self.appendDigits(abs(minutes) / 60, width: 2, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            Self.appendDigits(abs(minutes) % 60, width: 2, to: &bytes)
        }
    }

    /// Appends the decimal digits of `value` (not negative), zero-padded to `width`.
    private static func appendDigits(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        while bytes.count - start < width { bytes.append(UInt8(ascii: "0")) }
        bytes[start...].reverse()
    }

    private static func scanOffset(
        _ scanner: inout ASCIIScanner,
        failure: (String) -> TimestampFormatError
    ) throws(TimestampFormatError) -> UTCOffset {
        if scanner.take(UInt8(ascii: "Z")) { return .utc }
        let sign: Int
        if scanner.take(UInt8(ascii: "+")) {
            sign = 1
        } else if scanner.take(UInt8(ascii: "-")) {
            sign = -1
        } else {
            throw failure("a UTC offset (Z or ±hh:mm) is required")
        }
        guard let hours = scanner.digits(2), scanner.take(UInt8(ascii: ":")), let minutes = scanner.digits(2) else {
            throw failure("the offset must be ±hh:mm")
        }
        guard hours < 24, minutes < 60 else { throw failure("offset out of range") }
        if sign < 0, hours == 0, minutes == 0 { return .unknownLocal }
        return .minutes(sign * (hours * 60 + minutes))
    }
}

extension Timestamp.UTCOffset {
    /// `Z`, `-00:00` or `±hh:mm`.
    var rfc3339: String {
        switch self {
        case .utc: return "Z"
        case .unknownLocal: return "-00:00"
        case .minutes(let minutes):
            let magnitude = abs(minutes)
            return (minutes < 0 ? "-" : "+") + CivilDate.padded(magnitude / 60, 2) + ":"
                + CivilDate.padded(magnitude % 60, 2)
        }
    }
}
