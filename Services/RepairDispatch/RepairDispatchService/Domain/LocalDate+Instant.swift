import CareLoopContracts

extension LocalDate {
    /// The calendar day `instant` falls on at `utcOffsetSeconds` east of UTC.
    package init(_ instant: Timestamp, utcOffsetSeconds: Int) {
        let local = instant.secondsSince1970 + Int64(utcOffsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        self.init(daysSince1970: days)
    }

    /// Local midnight that starts this day at `utcOffsetSeconds` east of UTC, as seconds since 1970.
    package func midnight(utcOffsetSeconds: Int) -> Int64 {
        daysSince1970 * 86_400 - Int64(utcOffsetSeconds)
    }
}
