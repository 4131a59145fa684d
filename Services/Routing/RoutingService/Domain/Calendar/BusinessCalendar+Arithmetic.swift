import CareLoopContracts
import Foundation

/// Business-time arithmetic. Business time is real elapsed time inside working intervals, so an interval that
/// spans a daylight-saving change counts the hours that really pass; intervals are half-open (`09:00` counts,
/// `18:00` does not). A wall-clock time skipped by a DST change maps to the instant after the gap (02:30 → 03:30);
/// a repeated one maps to its first occurrence.
extension BusinessCalendar {
    /// Whether `instant` falls inside working hours.
    package func isWorking(at instant: Date) -> Bool {
        let day = localDay(of: instant)
        return workingRanges(on: day).contains { $0.contains(instant) }
    }

    /// The first working instant at or after `instant` (`instant` itself while working).
    package func nextWorkingInstant(from instant: Date) -> Date {
        var day = localDay(of: instant)
        while true {
            for range in workingRanges(on: day) where range.upperBound > instant {
                return max(range.lowerBound, instant)
            }
            day = day.adding(days: 1)
        }
    }

    /// The instant when `duration` of business time has passed since `start`.
    ///
    /// A deadline that uses up a working interval exactly ends at the interval's end (18:00), not at the start of
    /// the next one (09:00 the next day). A zero or negative duration returns `start` unchanged.
    package func add(_ duration: Duration, to start: Date) -> Date {
        var remaining = Self.timeInterval(duration)
        guard remaining > 0 else { return start }
        var day = localDay(of: start)
        while true {
            for range in workingRanges(on: day) where range.upperBound > start {
                let from = max(range.lowerBound, start)
                let available = range.upperBound.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = day.adding(days: 1)
        }
    }

    /// The business time between two instants; negative when `end` is before `start`.
    package func businessTime(from start: Date, to end: Date) -> Duration {
        guard start <= end else { return .zero - businessTime(from: end, to: start) }
        var total: TimeInterval = 0
        var day = localDay(of: start)
        let lastDay = localDay(of: end)
        while day <= lastDay {
            for range in workingRanges(on: day) {
                let from = max(range.lowerBound, start)
                let to = min(range.upperBound, end)
                if from < to { total += to.timeIntervalSince(from) }
            }
            day = day.adding(days: 1)
        }
        return .seconds(total)
    }

    /// The total working time of a local day, e.g. 7 h 30 min for 09:00–12:00 and 13:30–18:00.
    package func workingTime(on day: Day) -> Duration {
        .seconds(workingRanges(on: day).reduce(0) { $0 + $1.upperBound.timeIntervalSince($1.lowerBound) })
    }

    /// The business time of a normal working day (the ``standardHours``), e.g. 7 h 30 min; what one SLA "day" means.
    package var standardDayLength: Duration {
        .seconds(standardHours.reduce(0) { $0 + Double(($1.end.minutes - $1.start.minutes) * 60) })
    }

    /// The local calendar day `instant` falls on in this calendar's time zone.
    package func localDay(of instant: Date) -> Day {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return Day(daysSince1970: Int64((local / 86_400).rounded(.down)))
    }

    /// The instant a local wall-clock time occurs (see the type's DST notes).
    package func instant(on day: Day, at time: TimeOfDay) -> Date {
        let local = Double(day.daysSince1970) * 86_400 + Double(time.minutes) * 60
        let offsetBefore = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local - 86_400)))
        let offsetAfter = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local + 86_400)))
        let candidates = [local - offsetBefore, local - offsetAfter].map { Date(timeIntervalSince1970: $0) }
        let valid = candidates.filter { local - Double(timeZone.secondsFromGMT(for: $0)) == $0.timeIntervalSince1970 }
        // Repeated wall time: the first occurrence. Skipped wall time: the offset before the change (02:30 → 03:30).
        return valid.min() ?? candidates[0]
    }

    /// A day's working intervals as instants.
    private func workingRanges(on day: Day) -> [Range<Date>] {
        workingHours(on: day).compactMap { interval in
            let start = instant(on: day, at: interval.start)
            let end = instant(on: day, at: interval.end)  // 24:00 is the next day's midnight
            return start < end ? start..<end : nil
        }
    }
}

extension BusinessCalendar {
    /// A duration in seconds as a floating-point number, the unit `Date` arithmetic uses.
    static func timeInterval(_ duration: Duration) -> TimeInterval {
        duration.timeInterval
    }
}
