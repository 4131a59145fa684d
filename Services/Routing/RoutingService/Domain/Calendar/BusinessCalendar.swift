import Foundation

/// A project city's working calendar: time zone, weekly working hours, public holidays and make-up working days (调休).
///
/// SLA clocks run on the business time this calendar defines. A calendar is always valid: it is built from a
/// ``Configuration`` (which is also its JSON form), and building it reports every problem at once.
///
/// Which hours a local day has, in order of precedence:
/// 1. a public holiday has none;
/// 2. a make-up day has its own hours, or else the ``standardHours``;
/// 3. any other day has its weekday's hours (a weekday not configured has none).
package struct BusinessCalendar: Hashable, Sendable, Codable {
    /// The calendar as configuration data, e.g.
    /// `{"timeZone":"Asia/Shanghai","week":{"monday":["09:00-12:00","13:30-18:00"]},
    ///   "holidays":["2026-10-01"],"makeUpDays":[{"date":"2026-10-10"}]}`.
    package struct Configuration: Hashable, Sendable, Codable {
        /// An IANA time zone id such as `Asia/Shanghai`.
        package var timeZone: String
        /// Working intervals (`HH:mm-HH:mm`) keyed by lower-case weekday name; missing weekdays are days off.
        package var week: [String: [String]]
        /// Public holidays, `yyyy-MM-dd`; no working hours even on a weekday.
        package var holidays: [String] = []
        /// Days (usually weekend days) that are working days.
        package var makeUpDays: [MakeUpDay] = []

        /// A make-up working day (调休上班).
        package struct MakeUpDay: Hashable, Sendable, Codable {
            /// The date, `yyyy-MM-dd`.
            package var date: String
            /// Working intervals; `nil` for the calendar's ``BusinessCalendar/standardHours``.
            package var hours: [String]?

            /// A make-up day with the standard hours unless `hours` are given.
            package init(date: String, hours: [String]? = nil) {
                self.date = date
                self.hours = hours
            }
        }

        /// Configuration with every field given.
        package init(timeZone: String, week: [String: [String]], holidays: [String] = [], makeUpDays: [MakeUpDay] = []) {
            self.timeZone = timeZone
            self.week = week
            self.holidays = holidays
            self.makeUpDays = makeUpDays
        }

        /// Monday to Friday with the same `hours`, weekends off (the default working week).
        package static func weekdays(
            timeZone: String, hours: [String], holidays: [String] = [], makeUpDays: [MakeUpDay] = []
        ) -> Configuration {
            let days: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
            return Configuration(
                timeZone: timeZone, week: Dictionary(uniqueKeysWithValues: days.map { ($0.rawValue, hours) }),
                holidays: holidays, makeUpDays: makeUpDays)
        }

        enum CodingKeys: String, CodingKey {
            case timeZone, week, holidays, makeUpDays
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            timeZone = try container.decode(String.self, forKey: .timeZone)
            week = try container.decode([String: [String]].self, forKey: .week)
            holidays = try container.decodeIfPresent([String].self, forKey: .holidays) ?? []
            makeUpDays = try container.decodeIfPresent([MakeUpDay].self, forKey: .makeUpDays) ?? []
        }
    }

    /// The configuration this calendar was built from; it is also what `encode(to:)` writes.
    package let configuration: Configuration
    /// The calendar's time zone.
    package let timeZone: TimeZone
    /// The hours of a normal working day: those of the first weekday, Monday to Sunday, that has working hours.
    package let standardHours: [WorkingInterval]
    private let weekHours: [Weekday: [WorkingInterval]]
    private let holidays: Set<Day>
    private let makeUpHours: [Day: [WorkingInterval]]

    /// Validates `configuration` and builds the calendar.
    /// - Throws: ``BusinessCalendarValidationError`` listing every problem found, not just the first.
    package init(_ configuration: Configuration) throws(BusinessCalendarValidationError) {
        var issues: [BusinessCalendarValidationError.Issue] = []
        let zone = TimeZone(identifier: configuration.timeZone)
        if zone == nil {
            issues.append(.init(field: "timeZone", message: "unknown time zone \"\(configuration.timeZone)\"; use an IANA id such as Asia/Shanghai"))
        }

        var weekHours: [Weekday: [WorkingInterval]] = [:]
        for (key, texts) in configuration.week.sorted(by: { $0.key < $1.key }) {
            guard let weekday = Weekday(rawValue: key) else {
                issues.append(.init(field: "week.\(key)", message: "unknown weekday \"\(key)\"; use monday … sunday"))
                continue
            }
            weekHours[weekday] = Self.intervals(texts, field: "week.\(key)", issues: &issues)
        }
        let standardHours = Weekday.allCases.lazy.compactMap { weekHours[$0] }.first { !$0.isEmpty } ?? []
        if standardHours.isEmpty {
            issues.append(.init(field: "week", message: "no weekday has working hours; SLA clocks would never run"))
        }

        var holidays: Set<Day> = []
        for (index, text) in configuration.holidays.enumerated() {
            guard let day = Day(text) else {
                issues.append(.init(field: "holidays[\(index)]", message: "\"\(text)\" is not a yyyy-MM-dd date"))
                continue
            }
            holidays.insert(day)
        }

        var makeUpHours: [Day: [WorkingInterval]] = [:]
        for (index, makeUp) in configuration.makeUpDays.enumerated() {
            let field = "makeUpDays[\(index)]"
            guard let day = Day(makeUp.date) else {
                issues.append(.init(field: "\(field).date", message: "\"\(makeUp.date)\" is not a yyyy-MM-dd date"))
                continue
            }
            if holidays.contains(day) {
                issues.append(.init(field: "\(field).date", message: "\(day) is both a holiday and a make-up working day"))
            }
            if makeUpHours[day] != nil {
                issues.append(.init(field: "\(field).date", message: "\(day) is listed as a make-up day more than once"))
            }
            if let texts = makeUp.hours {
                let intervals = Self.intervals(texts, field: "\(field).hours", issues: &issues)
                if texts.isEmpty {
                    issues.append(.init(field: "\(field).hours", message: "empty; omit hours to use the standard hours"))
                }
                makeUpHours[day] = intervals
            } else {
                makeUpHours[day] = standardHours
            }
        }

        guard issues.isEmpty, let zone else { throw BusinessCalendarValidationError(issues: issues) }
        self.configuration = configuration
        self.timeZone = zone
        self.standardHours = standardHours
        self.weekHours = weekHours
        self.holidays = holidays
        self.makeUpHours = makeUpHours
    }

    /// The working intervals of a local day, in order (see the type's precedence rules).
    package func workingHours(on day: Day) -> [WorkingInterval] {
        if holidays.contains(day) { return [] }
        if let hours = makeUpHours[day] { return hours }
        return weekHours[day.weekday] ?? []
    }

    /// Whether `day` has any working hours.
    package func isWorkingDay(_ day: Day) -> Bool {
        !workingHours(on: day).isEmpty
    }

    package init(from decoder: any Decoder) throws {
        try self.init(Configuration(from: decoder))
    }

    package func encode(to encoder: any Encoder) throws {
        try configuration.encode(to: encoder)
    }

    package static func == (lhs: BusinessCalendar, rhs: BusinessCalendar) -> Bool {
        lhs.configuration == rhs.configuration
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(configuration)
    }

    /// Parses, sorts and checks one day's intervals for overlaps, appending problems to `issues`.
    private static func intervals(
        _ texts: [String], field: String, issues: inout [BusinessCalendarValidationError.Issue]
    ) -> [WorkingInterval] {
        var parsed: [WorkingInterval] = []
        for (index, text) in texts.enumerated() {
            guard let interval = WorkingInterval(text) else {
                issues.append(.init(field: "\(field)[\(index)]", message: "\"\(text)\" is not an HH:mm-HH:mm interval with the end after the start"))
                continue
            }
            parsed.append(interval)
        }
        parsed.sort { $0.start < $1.start }
        for (earlier, later) in zip(parsed, parsed.dropFirst()) where earlier.end > later.start {
            issues.append(.init(field: field, message: "intervals \(earlier) and \(later) overlap"))
        }
        return parsed
    }
}

/// Everything wrong with a ``BusinessCalendar/Configuration``, one readable issue per problem.
package struct BusinessCalendarValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One problem: where it is and what to change.
    package struct Issue: Hashable, Sendable, CustomStringConvertible {
        /// The configuration path, e.g. `week.monday[1]` or `holidays[3]`.
        package var field: String
        /// What is wrong, in words an operator can act on.
        package var message: String

        /// `field: message`.
        package var description: String { "\(field): \(message)" }
    }

    /// Every problem found, in configuration order.
    package var issues: [Issue]

    /// All issues, one per line.
    package var description: String {
        "invalid business calendar:\n" + issues.map { "- \($0)" }.joined(separator: "\n")
    }
}
