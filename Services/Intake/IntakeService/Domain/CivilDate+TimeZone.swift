import CareLoopContracts
import Foundation

extension CivilDate {
    /// The calendar date of `instant` on the wall clocks of `timeZone`.
    package static func on(_ instant: Date, in timeZone: TimeZone) -> CivilDate {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down)) + Int64(timeZone.secondsFromGMT(for: instant))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return CivilDate(daysSince1970: days)
    }
}
