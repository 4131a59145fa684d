import CareLoopContracts
import Foundation

/// An owner's stage by move-in date (domain.md): 准业主, 磨合期, 稳定期, 老业主.
package enum LifecycleStage: String, Codable, Sendable, CaseIterable {
    /// Bought, not yet moved in (the move-in date is still ahead).
    case prospective
    /// Less than one year since move-in.
    case runningIn = "running_in"
    /// One to two years since move-in (both anniversaries included).
    case stable
    /// More than two years since move-in.
    case senior

    /// The stage on `today` of an owner who moves or moved in on `moveIn`; `nil` when the date is not known.
    ///
    /// Anniversaries fall on the same month and day; one of 29 February falls on 28 February in other years.
    package static func stage(moveIn: CivilDate?, today: CivilDate) -> LifecycleStage? {
        guard let moveIn else { return nil }
        if today < moveIn { return .prospective }
        if today < anniversary(of: moveIn, years: 1) { return .runningIn }
        if today <= anniversary(of: moveIn, years: 2) { return .stable }
        return .senior
    }

    /// `date` plus `years` calendar years, clamped to the end of the month.
    static func anniversary(of date: CivilDate, years: Int) -> CivilDate {
        let year = min(date.year + years, 9999)
        let day = min(date.day, CivilDate.daysInMonth(year: year, month: date.month))
        return CivilDate(year: year, month: date.month, day: day) ?? date
    }
}
