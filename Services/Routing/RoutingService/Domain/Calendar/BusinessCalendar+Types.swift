extension BusinessCalendar {
    /// A calendar day in the calendar's own time zone (proleptic Gregorian), written `yyyy-MM-dd`.
    ///
    /// Day arithmetic uses Howard Hinnant's day-count algorithms, so it never depends on the machine's `Calendar`.
    package struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// Days since 1970-01-01 (negative for earlier days).
        package let daysSince1970: Int64

        /// The day `days` days after 1970-01-01.
        package init(daysSince1970: Int64) {
            self.daysSince1970 = daysSince1970
        }

        /// Validates the parts; `nil` when the date does not exist (e.g. 2026-02-29) or the year is outside 1...9999.
        package init?(year: Int, month: Int, day: Int) {
            guard (1...9999).contains(year), (1...12).contains(month),
                (1...Self.daysInMonth(year: year, month: month)).contains(day)
            else { return nil }
            let adjustedYear = Int64(month <= 2 ? year - 1 : year)
            let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
            let yearOfEra = adjustedYear - era * 400
            let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            self.daysSince1970 = era * 146_097 + dayOfEra - 719_468
        }

        /// Parses exactly `yyyy-MM-dd`; `nil` for anything else or a date that does not exist.
        package init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
            else { return nil }
            self.init(year: year, month: month, day: day)
        }

        /// The year, month and day of month.
        package var parts: (year: Int, month: Int, day: Int) {
            let shifted = daysSince1970 + 719_468
            let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let shiftedMonth = (5 * dayOfYear + 2) / 153
            let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
            let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
            return (Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0), month, day)
        }

        /// The day of the week (1970-01-01 was a Thursday).
        package var weekday: Weekday {
            let index = Int(((daysSince1970 + 3) % 7 + 7) % 7)  // 0 = Monday
            return Weekday.allCases[index]
        }

        /// The day `days` days later (earlier when negative).
        package func adding(days: Int) -> Day {
            Day(daysSince1970: daysSince1970 + Int64(days))
        }

        /// `yyyy-MM-dd`.
        package var description: String {
            let (year, month, day) = parts
            func padded(_ value: Int, _ width: Int) -> String {
                let digits = String(value)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
        }

        package static func < (lhs: Day, rhs: Day) -> Bool {
            lhs.daysSince1970 < rhs.daysSince1970
        }

        static func daysInMonth(year: Int, month: Int) -> Int {
            switch month {
            case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }
    }

    /// A day of the week, Monday first (ISO 8601); its raw value is the configuration key.
    package enum Weekday: String, CaseIterable, Hashable, Sendable, Codable {
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday
    }

    /// A wall-clock time of day in minutes since midnight, `0...1440` (`24:00` only closes an interval).
    package struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// Minutes since local midnight.
        package let minutes: Int

        /// `nil` outside `00:00...24:00`.
        package init?(hour: Int, minute: Int) {
            guard (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440 else { return nil }
            self.minutes = hour * 60 + minute
        }

        /// Parses exactly `HH:mm`.
        package init?(_ text: Substring) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
                parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let hour = Int(parts[0]), let minute = Int(parts[1])
            else { return nil }
            self.init(hour: hour, minute: minute)
        }

        /// `HH:mm`.
        package var description: String {
            let hour = minutes / 60
            let minute = minutes % 60
            return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        }

        package static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
    }

    /// Working hours within one day, start inclusive and end exclusive, written `HH:mm-HH:mm` (e.g. `13:30-18:00`).
    package struct WorkingInterval: Hashable, Sendable, CustomStringConvertible {
        /// When work starts.
        package let start: TimeOfDay
        /// When work stops; after `start`, at most `24:00`.
        package let end: TimeOfDay

        /// Parses `HH:mm-HH:mm`; `nil` when malformed or when the end is not after the start.
        package init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let start = TimeOfDay(parts[0]), let end = TimeOfDay(parts[1]), start < end,
                start.minutes < 1440
            else { return nil }
            self.start = start
            self.end = end
        }

        /// `HH:mm-HH:mm`.
        package var description: String { "\(start)-\(end)" }
    }
}
