extension BusinessCalendar.Configuration {
    /// Sample mainland China calendar for 2026: `Asia/Shanghai`, Monday–Friday 09:00–12:00 and 13:30–18:00, and the
    /// holidays and make-up working days of the State Council notice on 2026 holidays (国办, 2025-11-04).
    ///
    /// - Important: sample data for development and tests; a deployment loads each project's calendar from
    ///   configuration and checks it against the official notice.
    package static let chinaMainland2026 = BusinessCalendar.Configuration.weekdays(
        timeZone: "Asia/Shanghai",
        hours: ["09:00-12:00", "13:30-18:00"],
        holidays: [
            // 元旦 New Year's Day
            "2026-01-01", "2026-01-02", "2026-01-03",
            // 春节 Spring Festival
            "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21",
            "2026-02-22", "2026-02-23",
            // 清明节 Qingming
            "2026-04-04", "2026-04-05", "2026-04-06",
            // 劳动节 Labour Day
            "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
            // 端午节 Dragon Boat Festival
            "2026-06-19", "2026-06-20", "2026-06-21",
            // 中秋节 Mid-Autumn Festival
            "2026-09-25", "2026-09-26", "2026-09-27",
            // 国庆节 National Day
            "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
        ],
        makeUpDays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"].map {
            BusinessCalendar.Configuration.MakeUpDay(date: $0)
        }
    )
}

extension BusinessCalendar {
    /// The sample mainland China 2026 calendar (see ``Configuration/chinaMainland2026``).
    package static func chinaMainland2026() throws(BusinessCalendarValidationError) -> BusinessCalendar {
        try BusinessCalendar(.chinaMainland2026)
    }
}
