import Foundation
import Testing

@testable import RoutingService

/// Calendars and instants shared by the business-calendar and SLA suites.
enum BusinessCalendarFixtures {
    /// Shanghai, Monday–Friday 09:00–12:00 and 13:30–18:00 (7 h 30 min a day), no holidays.
    static let shanghaiSplit = BusinessCalendar.Configuration.weekdays(
        timeZone: "Asia/Shanghai", hours: ["09:00-12:00", "13:30-18:00"])

    /// Builds a calendar, failing the test when the configuration is invalid.
    static func calendar(_ configuration: BusinessCalendar.Configuration) throws -> BusinessCalendar {
        try BusinessCalendar(configuration)
    }

    /// Parses an ISO 8601 instant with offset, e.g. `2026-03-02T09:00:00+08:00`.
    static func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "bad test instant \(text)")
    }

    /// Every day of the week working around the clock, to observe DST changes directly.
    static func allDay(_ timeZone: String) -> BusinessCalendar.Configuration {
        BusinessCalendar.Configuration(
            timeZone: timeZone,
            week: Dictionary(uniqueKeysWithValues: BusinessCalendar.Weekday.allCases.map { ($0.rawValue, ["00:00-24:00"]) }))
    }
}

@Suite("Business calendar")
struct BusinessCalendarTests {
    typealias Fixtures = BusinessCalendarFixtures

    @Test(
        "working hours are half-open and split around lunch",
        arguments: [
            ("2026-03-02T09:00:00+08:00", true), ("2026-03-02T08:59:59+08:00", false),
            ("2026-03-02T11:59:59+08:00", true), ("2026-03-02T12:00:00+08:00", false),
            ("2026-03-02T13:29:59+08:00", false), ("2026-03-02T13:30:00+08:00", true),
            ("2026-03-02T17:59:59+08:00", true), ("2026-03-02T18:00:00+08:00", false),
            ("2026-03-07T10:00:00+08:00", false), ("2026-03-08T10:00:00+08:00", false),
            ("2026-03-02T01:30:00Z", true),  // 09:30 in Shanghai
        ])
    func isWorking(at text: String, expected: Bool) throws {
        let calendar = try Fixtures.calendar(Fixtures.shanghaiSplit)
        #expect(calendar.isWorking(at: try Fixtures.instant(text)) == expected)
    }

    @Test(
        "holidays are off and make-up days work in the 2026 sample",
        arguments: [
            ("2026-10-01T10:00:00+08:00", false),  // Thursday, National Day
            ("2026-10-08T10:00:00+08:00", true),  // Thursday after the holiday
            ("2026-10-10T10:00:00+08:00", true),  // Saturday make-up day
            ("2026-10-11T10:00:00+08:00", false),  // ordinary Sunday
            ("2026-02-14T14:00:00+08:00", true),  // Saturday make-up day, standard afternoon hours
            ("2026-02-14T12:30:00+08:00", false),  // make-up day keeps the lunch break
            ("2026-02-17T10:00:00+08:00", false),  // Tuesday, Spring Festival
            ("2026-01-04T10:00:00+08:00", true),  // Sunday make-up day
        ])
    func holidaysAndMakeUpDays(at text: String, expected: Bool) throws {
        let calendar = try BusinessCalendar.chinaMainland2026()
        #expect(calendar.isWorking(at: try Fixtures.instant(text)) == expected)
    }

    @Test("make-up days may have their own hours")
    func makeUpDayHours() throws {
        var configuration = Fixtures.shanghaiSplit
        configuration.makeUpDays = [.init(date: "2026-03-07", hours: ["10:00-15:00"])]
        let calendar = try Fixtures.calendar(configuration)
        #expect(calendar.isWorking(at: try Fixtures.instant("2026-03-07T12:30:00+08:00")))
        #expect(!calendar.isWorking(at: try Fixtures.instant("2026-03-07T09:30:00+08:00")))
        #expect(calendar.workingTime(on: try #require(.init("2026-03-07"))) == .seconds(5 * 3600))
    }

    @Test(
        "adding business time (minutes) skips nights, lunch, weekends and holidays",
        arguments: [
            ("2026-03-02T09:00:00+08:00", 60, "2026-03-02T10:00:00+08:00"),
            ("2026-03-02T11:30:00+08:00", 60, "2026-03-02T14:00:00+08:00"),  // across lunch
            ("2026-03-02T12:15:00+08:00", 30, "2026-03-02T14:00:00+08:00"),  // starting at lunch
            ("2026-03-02T17:00:00+08:00", 60, "2026-03-02T18:00:00+08:00"),  // ends exactly at closing time
            ("2026-03-02T17:00:00+08:00", 61, "2026-03-03T09:01:00+08:00"),
            ("2026-03-02T18:00:00+08:00", 1, "2026-03-03T09:01:00+08:00"),
            ("2026-03-02T20:00:00+08:00", 60, "2026-03-03T10:00:00+08:00"),  // starting after hours
            ("2026-03-06T17:30:00+08:00", 60, "2026-03-09T09:30:00+08:00"),  // over the weekend
            ("2026-03-03T15:00:00+08:00", 450, "2026-03-04T15:00:00+08:00"),  // one business day
            ("2026-03-07T10:00:00+08:00", 0, "2026-03-07T10:00:00+08:00"),  // zero keeps the start
        ])
    func add(start: String, minutes: Int, expected: String) throws {
        let calendar = try Fixtures.calendar(Fixtures.shanghaiSplit)
        let result = calendar.add(.seconds(minutes * 60), to: try Fixtures.instant(start))
        #expect(result == (try Fixtures.instant(expected)))
    }

    @Test(
        "adding business time over 2026 holidays, make-up days and the year end",
        arguments: [
            ("2026-09-30T17:00:00+08:00", 120, "2026-10-08T10:00:00+08:00"),  // National Day week
            ("2026-10-09T17:00:00+08:00", 120, "2026-10-10T10:00:00+08:00"),  // into a Saturday make-up day
            ("2025-12-31T17:00:00+08:00", 120, "2026-01-04T10:00:00+08:00"),  // New Year, then Sunday make-up
            ("2026-02-13T17:00:00+08:00", 120, "2026-02-14T10:00:00+08:00"),  // Friday before Spring Festival
            ("2026-02-14T17:00:00+08:00", 120, "2026-02-24T10:00:00+08:00"),  // the festival itself
        ])
    func addAcrossHolidays(start: String, minutes: Int, expected: String) throws {
        let calendar = try BusinessCalendar.chinaMainland2026()
        let result = calendar.add(.seconds(minutes * 60), to: try Fixtures.instant(start))
        #expect(result == (try Fixtures.instant(expected)))
    }

    @Test(
        "business time between two instants (minutes)",
        arguments: [
            ("2026-03-02T08:00:00+08:00", "2026-03-03T08:00:00+08:00", 450),
            ("2026-03-06T17:00:00+08:00", "2026-03-09T10:00:00+08:00", 120),
            ("2026-03-02T11:00:00+08:00", "2026-03-02T14:00:00+08:00", 90),
            ("2026-03-07T00:00:00+08:00", "2026-03-08T23:59:00+08:00", 0),
            ("2026-03-03T08:00:00+08:00", "2026-03-02T08:00:00+08:00", -450),
        ])
    func businessTime(from start: String, to end: String, minutes: Int) throws {
        let calendar = try Fixtures.calendar(Fixtures.shanghaiSplit)
        let elapsed = calendar.businessTime(from: try Fixtures.instant(start), to: try Fixtures.instant(end))
        #expect(elapsed == .seconds(minutes * 60))
    }

    @Test("business time measures back what add added", arguments: [1, 59, 450, 451, 1_000, 10_000])
    func addAndMeasureAgree(minutes: Int) throws {
        let calendar = try BusinessCalendar.chinaMainland2026()
        for start in ["2026-09-30T11:45:00+08:00", "2026-12-31T21:00:00+08:00", "2026-02-13T13:30:00+08:00"] {
            let from = try Fixtures.instant(start)
            let end = calendar.add(.seconds(minutes * 60), to: from)
            #expect(calendar.businessTime(from: from, to: end) == .seconds(minutes * 60), "from \(start)")
        }
    }

    @Test(
        "next working instant",
        arguments: [
            ("2026-03-06T18:00:00+08:00", "2026-03-09T09:00:00+08:00"),
            ("2026-03-02T12:00:00+08:00", "2026-03-02T13:30:00+08:00"),
            ("2026-03-02T10:00:00+08:00", "2026-03-02T10:00:00+08:00"),
            ("2026-03-02T06:00:00+08:00", "2026-03-02T09:00:00+08:00"),
        ])
    func nextWorkingInstant(from start: String, expected: String) throws {
        let calendar = try Fixtures.calendar(Fixtures.shanghaiSplit)
        #expect(calendar.nextWorkingInstant(from: try Fixtures.instant(start)) == (try Fixtures.instant(expected)))
    }

    @Test("next working instant after a holiday week")
    func nextWorkingInstantAfterHoliday() throws {
        let calendar = try BusinessCalendar.chinaMainland2026()
        let next = calendar.nextWorkingInstant(from: try Fixtures.instant("2026-09-30T18:00:00+08:00"))
        #expect(next == (try Fixtures.instant("2026-10-08T09:00:00+08:00")))
    }

    @Test(
        "a working day that changes clocks lasts the hours that really pass",
        arguments: [
            ("America/New_York", "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 23),
            ("America/New_York", "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", 25),
            ("Europe/Berlin", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 23),
            ("Europe/Berlin", "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 25),
        ])
    func dstDayLength(zone: String, start: String, end: String, hours: Int) throws {
        let calendar = try Fixtures.calendar(Fixtures.allDay(zone))
        let from = try Fixtures.instant(start)
        let to = try Fixtures.instant(end)
        #expect(calendar.businessTime(from: from, to: to) == .seconds(hours * 3600))
        #expect(calendar.add(.seconds(hours * 3600), to: from) == to)
        #expect(calendar.localDay(of: from) != calendar.localDay(of: to))
    }

    @Test(
        "office hours keep their wall-clock times across DST changes",
        arguments: [
            ("America/New_York", "2026-03-06T16:00:00-05:00", "2026-03-09T10:00:00-04:00"),
            ("America/New_York", "2026-10-30T16:00:00-04:00", "2026-11-02T10:00:00-05:00"),
            ("Europe/Berlin", "2026-03-27T16:00:00+01:00", "2026-03-30T10:00:00+02:00"),
            ("Europe/Berlin", "2026-10-23T16:00:00+02:00", "2026-10-26T10:00:00+01:00"),
        ])
    func officeHoursAcrossDST(zone: String, start: String, expected: String) throws {
        let calendar = try Fixtures.calendar(.weekdays(timeZone: zone, hours: ["09:00-17:00"]))
        let result = calendar.add(.seconds(2 * 3600), to: try Fixtures.instant(start))
        #expect(result == (try Fixtures.instant(expected)))
    }

    @Test("wall times skipped or repeated by DST map to real instants")
    func skippedAndRepeatedWallTimes() throws {
        // Sunday hours inside New York's spring gap (02:00-03:00 does not exist) and autumn repeat (01:00-02:00 twice).
        let calendar = try Fixtures.calendar(
            .init(timeZone: "America/New_York", week: ["sunday": ["01:00-02:00", "02:30-04:00"]]))
        let spring = calendar.businessTime(
            from: try Fixtures.instant("2026-03-08T00:00:00-05:00"), to: try Fixtures.instant("2026-03-09T00:00:00-04:00"))
        #expect(spring == .seconds(3600 + 1800))  // 01:00-02:00 EST, then 03:30-04:00 EDT
        let autumn = calendar.businessTime(
            from: try Fixtures.instant("2026-11-01T00:00:00-04:00"), to: try Fixtures.instant("2026-11-02T00:00:00-05:00"))
        #expect(autumn == .seconds(2 * 3600 + 5400))  // 01:00 EDT to 02:00 EST is two real hours
        #expect(calendar.isWorking(at: try Fixtures.instant("2026-11-01T01:30:00-05:00")))
    }

    @Test(
        "invalid configurations name the field and the problem",
        arguments: [
            (BusinessCalendar.Configuration.weekdays(timeZone: "Mars/Olympus_Mons", hours: ["09:00-18:00"]), "timeZone", "unknown time zone"),
            (.weekdays(timeZone: "Asia/Shanghai", hours: ["09:00-12:00", "11:00-13:00"]), "week.monday", "overlap"),
            (.weekdays(timeZone: "Asia/Shanghai", hours: ["18:00-09:00"]), "week.monday[0]", "HH:mm-HH:mm"),
            (.weekdays(timeZone: "Asia/Shanghai", hours: ["9:00-18:00"]), "week.monday[0]", "HH:mm-HH:mm"),
            (.weekdays(timeZone: "Asia/Shanghai", hours: ["09:00-18:00"], holidays: ["2026-02-29"]), "holidays[0]", "yyyy-MM-dd"),
            (.weekdays(timeZone: "Asia/Shanghai", hours: ["09:00-18:00"], holidays: ["2026/10/01"]), "holidays[0]", "yyyy-MM-dd"),
            (.init(timeZone: "Asia/Shanghai", week: ["funday": ["09:00-18:00"], "monday": ["09:00-18:00"]]), "week.funday", "unknown weekday"),
            (.init(timeZone: "Asia/Shanghai", week: [:]), "week", "no weekday"),
            (
                .weekdays(timeZone: "Asia/Shanghai", hours: ["09:00-18:00"], holidays: ["2026-10-10"], makeUpDays: [.init(date: "2026-10-10")]),
                "makeUpDays[0].date", "both a holiday"
            ),
            (.weekdays(timeZone: "Asia/Shanghai", hours: ["09:00-18:00"], makeUpDays: [.init(date: "2026-13-01")]), "makeUpDays[0].date", "yyyy-MM-dd"),
            (.weekdays(timeZone: "Asia/Shanghai", hours: ["09:00-18:00"], makeUpDays: [.init(date: "2026-10-10", hours: [])]), "makeUpDays[0].hours", "empty"),
        ])
    func validation(configuration: BusinessCalendar.Configuration, field: String, message: String) {
        let error = #expect(throws: BusinessCalendarValidationError.self) {
            _ = try BusinessCalendar(configuration)
        }
        #expect(error?.issues.contains { $0.field == field && $0.message.contains(message) } == true, "\(String(describing: error))")
    }

    @Test("validation reports every problem at once")
    func validationCollectsIssues() {
        let configuration = BusinessCalendar.Configuration.weekdays(
            timeZone: "Nowhere/City", hours: ["09:00-12:00", "10:00-11:00"], holidays: ["2026-1-1"])
        do {
            _ = try BusinessCalendar(configuration)
            Issue.record("expected a validation error")
        } catch {
            #expect(Set(error.issues.map(\.field)).isSuperset(of: ["timeZone", "holidays[0]", "week.monday"]))
            #expect(error.description.contains("Nowhere/City"))
        }
    }

    @Test("a calendar loads from JSON configuration and round-trips")
    func codable() throws {
        let json = """
            {"timeZone":"Asia/Shanghai",
             "week":{"monday":["13:30-18:00","09:00-12:00"],"tuesday":["09:00-12:00","13:30-18:00"],"saturday":["09:00-12:00"]},
             "holidays":["2026-03-03"],
             "makeUpDays":[{"date":"2026-03-08"},{"date":"2026-03-15","hours":["10:00-11:00"]}]}
            """
        let calendar = try JSONDecoder().decode(BusinessCalendar.self, from: Data(json.utf8))
        #expect(calendar.standardDayLength == .seconds(7.5 * 3600))
        #expect(calendar.workingTime(on: try #require(.init("2026-03-03"))) == .zero)  // holiday Tuesday
        #expect(calendar.workingTime(on: try #require(.init("2026-03-07"))) == .seconds(3 * 3600))  // Saturday
        #expect(calendar.workingTime(on: try #require(.init("2026-03-08"))) == .seconds(7.5 * 3600))  // make-up Sunday
        #expect(calendar.workingTime(on: try #require(.init("2026-03-15"))) == .seconds(3600))
        let decoded = try JSONDecoder().decode(BusinessCalendar.self, from: try JSONEncoder().encode(calendar))
        #expect(decoded == calendar)
        #expect(decoded.workingTime(on: try #require(.init("2026-03-15"))) == .seconds(3600))
    }

    @Test("invalid JSON configuration fails to load with the validation error")
    func codableValidation() {
        let json = #"{"timeZone":"Asia/Shanghai","week":{"monday":["09:00-12:00"]},"holidays":["2026-02-30"]}"#
        #expect(throws: BusinessCalendarValidationError.self) {
            _ = try JSONDecoder().decode(BusinessCalendar.self, from: Data(json.utf8))
        }
    }

    @Test("the 2026 sample: make-up days fall on weekends and holidays are not make-up days")
    func sample2026() throws {
        let configuration = BusinessCalendar.Configuration.chinaMainland2026
        _ = try BusinessCalendar(configuration)
        for makeUp in configuration.makeUpDays {
            let day = try #require(BusinessCalendar.Day(makeUp.date))
            #expect([.saturday, .sunday].contains(day.weekday), "\(day)")
        }
        #expect(BusinessCalendar.Day("2026-01-01")?.weekday == .thursday)
        #expect(BusinessCalendar.Day("2025-12-31")?.adding(days: 1).description == "2026-01-01")
    }
}
