import CareLoopContracts

/// Cuts a technician's working day into bookable visit windows.
package enum VisitSlot {
    /// Back-to-back windows of `lengthMinutes` (default 2 hours) inside `hours` on `day`, in local time; a tail
    /// shorter than a window is dropped.
    package static func windows(on day: LocalDate, hours: WorkingHours, lengthMinutes: Int = 120) -> [Appointment] {
        guard lengthMinutes > 0 else { return [] }
        let midnight = day.daysSince1970 * 86_400 - Int64(hours.utcOffsetMinutes * 60)
        let offset: Timestamp.UTCOffset = .minutes(hours.utcOffsetMinutes)
        return stride(from: hours.startMinute, through: hours.endMinute - lengthMinutes, by: lengthMinutes).map {
            Appointment(
                start: Timestamp(secondsSince1970: midnight + Int64($0 * 60), utcOffset: offset, fractionDigits: 0),
                end: Timestamp(
                    secondsSince1970: midnight + Int64(($0 + lengthMinutes) * 60), utcOffset: offset, fractionDigits: 0)
            )
        }
    }
}
