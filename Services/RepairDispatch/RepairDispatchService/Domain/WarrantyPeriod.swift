/// How long a warranty runs from the delivery date.
package enum WarrantyPeriod: Hashable, Sendable, Codable {
    /// Whole years: the last day in warranty is the same month and day `n` years after delivery
    /// (29 February → 28 February when the final year has none).
    case years(Int)
    /// A number of heating and cooling seasons; see ``WarrantySeasons``.
    case seasons(Int)
}

/// A season of the year, e.g. the heating season 15 November – 15 March; may cross the new year.
package struct SeasonRange: Hashable, Sendable, Codable {
    /// First month of the season.
    package var startMonth: Int
    /// First day of the season in `startMonth`.
    package var startDay: Int
    /// Last month of the season (in the next year when before the start).
    package var endMonth: Int
    /// Last day of the season in `endMonth`.
    package var endDay: Int

    /// Makes a season from its first and last day (both inclusive).
    package init(startMonth: Int, startDay: Int, endMonth: Int, endDay: Int) {
        self.startMonth = startMonth
        self.startDay = startDay
        self.endMonth = endMonth
        self.endDay = endDay
    }

    /// Northern China heating season, 15 November – 15 March.
    package static let northernHeating = SeasonRange(startMonth: 11, startDay: 15, endMonth: 3, endDay: 15)
    /// Cooling season, 1 June – 30 September.
    package static let cooling = SeasonRange(startMonth: 6, startDay: 1, endMonth: 9, endDay: 30)

    /// The season that starts in `year`, as its first and last day.
    func occurrence(startingIn year: Int) -> ClosedRange<LocalDate>? {
        let crossesYear = (endMonth, endDay) < (startMonth, startDay)
        let endYear = crossesYear ? year + 1 : year
        guard let start = LocalDate(year: year, month: startMonth, day: startDay),
            let end = LocalDate(
                year: endYear, month: endMonth, day: min(endDay, LocalDate.daysInMonth(year: endYear, month: endMonth)))
        else { return nil }
        return start...end
    }

    /// The last day of the `count`-th occurrence of this season that starts after `delivered`.
    func lastDay(ofSeason count: Int, after delivered: LocalDate) -> LocalDate? {
        var seen = 0
        var year = delivered.year - 1
        while year <= delivered.year + count + 1 {
            if let season = occurrence(startingIn: year), season.lowerBound > delivered {
                seen += 1
                if seen == count { return season.upperBound }
            }
            year += 1
        }
        return nil
    }
}

/// How season-counted warranties (heating and cooling) end.
///
/// Rule: only seasons that **start after** the delivery date count (a season already running on delivery day is a
/// bonus, not one of the `n`); the warranty ends on the last day of the `n`-th such season of each kind, and the
/// later of those ends applies, so a system that both heats and cools is covered through both of its seasons.
package struct WarrantySeasons: Hashable, Sendable, Codable {
    /// The seasons counted; the default is northern China's heating season and the cooling season.
    package var ranges: [SeasonRange] = [.northernHeating, .cooling]

    /// Makes the season rule.
    package init(ranges: [SeasonRange] = [.northernHeating, .cooling]) {
        self.ranges = ranges
    }

    /// The last day in warranty for `count` seasons after `delivered`.
    package func lastDay(seasons count: Int, after delivered: LocalDate) -> LocalDate {
        guard count > 0 else { return delivered }
        return ranges.compactMap { $0.lastDay(ofSeason: count, after: delivered) }.max() ?? delivered
    }
}
