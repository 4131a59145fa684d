import CareLoopContracts
import Foundation

/// The service's time: "now" (replaceable in tests) and calendar days in the configured time zone.
struct DispatchClock: Sendable {
    /// The zone days are counted in (`repairDispatch.timeZone`).
    var timeZone: TimeZone
    /// The current instant.
    var now: @Sendable () -> Date = { Date() }

    /// Seconds east of UTC at `date`.
    func offsetSeconds(at date: Date) -> Int { timeZone.secondsFromGMT(for: date) }

    /// The local day of `instant`.
    func day(of instant: Timestamp) -> LocalDate {
        LocalDate(instant, utcOffsetSeconds: offsetSeconds(at: instant.date))
    }

    /// Today's local day.
    func today() -> LocalDate { day(of: Timestamp(now())) }

    /// Local midnight starting `day` and the next day's, as instants.
    func bounds(of day: LocalDate) -> (start: Date, end: Date) {
        let noon = Date(timeIntervalSince1970: TimeInterval(day.daysSince1970 * 86_400 + 43_200))
        let start = day.midnight(utcOffsetSeconds: offsetSeconds(at: noon))
        let end = day.adding(days: 1).midnight(utcOffsetSeconds: offsetSeconds(at: noon.addingTimeInterval(86_400)))
        return (Date(timeIntervalSince1970: TimeInterval(start)), Date(timeIntervalSince1970: TimeInterval(end)))
    }

    /// `instant` written with the zone's offset (how technicians and events show local times).
    func local(_ date: Date) -> Timestamp {
        Timestamp(date, utcOffset: .minutes(offsetSeconds(at: date) / 60))
    }
}
