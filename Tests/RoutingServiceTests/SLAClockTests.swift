import Foundation
import Testing

@testable import RoutingService

@Suite("SLA clock")
struct SLAClockTests {
    typealias Fixtures = BusinessCalendarFixtures
    typealias Milestone = SLAPolicy.Milestone

    /// Shanghai 09:00–12:00 and 13:30–18:00 on weekdays: a business day is 7 h 30 min.
    let calendar: BusinessCalendar

    init() throws {
        calendar = try Fixtures.calendar(Fixtures.shanghaiSplit)
    }

    @Test(
        "deadlines and 80 % warnings of 113 and 137 from Monday 09:00",
        arguments: [
            ("113", Milestone.acknowledge, "2026-03-02T10:00:00+08:00", "2026-03-02T09:48:00+08:00"),
            ("113", .respond, "2026-03-02T18:00:00+08:00", "2026-03-02T16:30:00+08:00"),  // 18:00, not Tuesday 09:00
            ("113", .resolve, "2026-03-04T18:00:00+08:00", "2026-03-04T12:00:00+08:00"),
            ("137", .acknowledge, "2026-03-02T18:00:00+08:00", "2026-03-02T16:30:00+08:00"),
            ("137", .respond, "2026-03-04T18:00:00+08:00", "2026-03-04T12:00:00+08:00"),
            ("137", .resolve, "2026-03-10T18:00:00+08:00", "2026-03-09T15:00:00+08:00"),
        ])
    func deadlines(rule: String, milestone: Milestone, deadline: String, warning: String) throws {
        let policy = rule == "113" ? SLAPolicy.rule113 : SLAPolicy.rule137
        let clock = SLAClock(policy: policy, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        #expect(clock.policyName == rule)
        #expect(clock.target(milestone).deadline == (try Fixtures.instant(deadline)))
        #expect(clock.target(milestone).warningAt == (try Fixtures.instant(warning)))
    }

    @Test("a day is one business day's hours, or 24 business hours when configured so")
    func dayReadings() throws {
        #expect(SLAPolicy.rule113.respond.duration(in: calendar) == .seconds(7.5 * 3600))
        var strict = SLAPolicy.rule113
        strict.respond = .businessTime(.seconds(24 * 3600))
        strict.warningShare = 0.5
        let clock = SLAClock(policy: strict, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        #expect(clock.target(.respond).deadline == (try Fixtures.instant("2026-03-05T10:30:00+08:00")))
        #expect(clock.target(.respond).warningAt == (try Fixtures.instant("2026-03-03T15:00:00+08:00")))
    }

    @Test("a case registered outside working hours starts counting at the next working instant")
    func startOutsideHours() throws {
        let clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-03-06T19:00:00+08:00"))
        #expect(clock.target(.acknowledge).deadline == (try Fixtures.instant("2026-03-09T10:00:00+08:00")))
        #expect(clock.target(.acknowledge).warningAt == (try Fixtures.instant("2026-03-09T09:48:00+08:00")))
        #expect(clock.target(.respond).deadline == (try Fixtures.instant("2026-03-09T18:00:00+08:00")))
    }

    @Test("clocks skip public holidays and count make-up days")
    func holidays() throws {
        let calendar = try BusinessCalendar.chinaMainland2026()
        let clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-09-30T17:00:00+08:00"))
        #expect(clock.target(.acknowledge).deadline == (try Fixtures.instant("2026-09-30T18:00:00+08:00")))
        #expect(clock.target(.respond).deadline == (try Fixtures.instant("2026-10-08T17:00:00+08:00")))
        // 1 h Wed + 7.5 h Thu 8 + 7.5 h Fri 9 + 6.5 h on Saturday 10, a make-up day.
        #expect(clock.target(.resolve).deadline == (try Fixtures.instant("2026-10-10T17:00:00+08:00")))
    }

    @Test("a pause over a night and a weekend pushes pending deadlines by the business time paused")
    func pauseAcrossWeekend() throws {
        var clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-03-06T17:00:00+08:00"))
        #expect(clock.target(.respond).deadline == (try Fixtures.instant("2026-03-09T17:00:00+08:00")))
        #expect(clock.target(.resolve).deadline == (try Fixtures.instant("2026-03-11T17:00:00+08:00")))
        clock.meet(.acknowledge, at: try Fixtures.instant("2026-03-06T17:10:00+08:00"))

        #expect(clock.pause(at: try Fixtures.instant("2026-03-06T17:30:00+08:00")))
        #expect(!clock.pause(at: try Fixtures.instant("2026-03-06T17:40:00+08:00")))  // already paused
        #expect(clock.resume(at: try Fixtures.instant("2026-03-09T10:00:00+08:00"), calendar: calendar))

        // Paused Friday 17:30–18:00 and Monday 09:00–10:00: 1 h 30 min of business time.
        #expect(clock.pausedBusinessTime == .seconds(5400))
        #expect(clock.target(.respond).deadline == (try Fixtures.instant("2026-03-10T09:30:00+08:00")))
        #expect(clock.target(.resolve).deadline == (try Fixtures.instant("2026-03-12T09:30:00+08:00")))
        // The met acknowledge milestone keeps its deadline.
        #expect(clock.target(.acknowledge).deadline == (try Fixtures.instant("2026-03-06T18:00:00+08:00")))
        #expect(!clock.resume(at: try Fixtures.instant("2026-03-09T11:00:00+08:00"), calendar: calendar))
    }

    @Test("a pause outside working hours changes nothing")
    func pauseOvernight() throws {
        let start = try Fixtures.instant("2026-03-02T09:00:00+08:00")
        var clock = SLAClock(policy: .rule137, calendar: calendar, startedAt: start)
        let before = clock.targets
        clock.pause(at: try Fixtures.instant("2026-03-02T18:30:00+08:00"))
        clock.resume(at: try Fixtures.instant("2026-03-03T08:30:00+08:00"), calendar: calendar)
        #expect(clock.targets == before)
        #expect(clock.pausedBusinessTime == .zero)
    }

    @Test("warnings and deadlines already passed when the pause began stay where they were")
    func pauseAfterWarning() throws {
        var clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        clock.pause(at: try Fixtures.instant("2026-03-02T09:50:00+08:00"))
        // The acknowledge warning (09:48) was due before the pause; later events wait while paused.
        #expect(clock.dueEvents(at: try Fixtures.instant("2026-03-02T17:00:00+08:00")).map(\.kind) == [.warning])
        #expect(clock.nextDue()?.at == (try Fixtures.instant("2026-03-02T09:48:00+08:00")))
        clock.markFired(clock.dueEvents(at: try Fixtures.instant("2026-03-02T17:00:00+08:00")))
        #expect(clock.nextDue() == nil)
        #expect(clock.dueEvents(at: try Fixtures.instant("2026-03-02T17:00:00+08:00")).isEmpty)

        clock.resume(at: try Fixtures.instant("2026-03-02T10:50:00+08:00"), calendar: calendar)
        #expect(clock.target(.acknowledge).warningAt == (try Fixtures.instant("2026-03-02T09:48:00+08:00")))
        #expect(clock.target(.acknowledge).deadline == (try Fixtures.instant("2026-03-02T11:00:00+08:00")))
        #expect(clock.nextDue() == .init(milestone: .acknowledge, kind: .breach, at: try Fixtures.instant("2026-03-02T11:00:00+08:00")))
    }

    @Test("due events drive a timer: warning, breach, then the next milestone once met")
    func timerFlow() throws {
        var clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        let warning = SLAClock.DueEvent(milestone: .acknowledge, kind: .warning, at: try Fixtures.instant("2026-03-02T09:48:00+08:00"))
        #expect(clock.nextDue() == warning)
        #expect(clock.dueEvents(at: try Fixtures.instant("2026-03-02T09:47:59+08:00")).isEmpty)
        #expect(clock.dueEvents(at: warning.at) == [warning])
        clock.markFired([warning])

        let breach = try #require(clock.nextDue())
        #expect(breach == .init(milestone: .acknowledge, kind: .breach, at: try Fixtures.instant("2026-03-02T10:00:00+08:00")))
        #expect(clock.dueEvents(at: try Fixtures.instant("2026-03-02T10:30:00+08:00")) == [breach])
        clock.markFired([breach])

        #expect(clock.meet(.acknowledge, at: try Fixtures.instant("2026-03-02T10:30:00+08:00")))
        #expect(clock.target(.acknowledge).metOnTime == false)
        #expect(clock.nextDue() == .init(milestone: .respond, kind: .warning, at: try Fixtures.instant("2026-03-02T16:30:00+08:00")))
    }

    @Test("late events of several milestones come out together, earliest first")
    func overdueTogether() throws {
        let clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        let due = clock.dueEvents(at: try Fixtures.instant("2026-03-03T09:00:00+08:00"))
        #expect(due.map { "\($0.milestone.rawValue).\($0.kind.rawValue)" } == [
            "acknowledge.warning", "acknowledge.breach", "respond.warning", "respond.breach",
        ])
    }

    @Test(
        "meeting a milestone stops its events; on the deadline is on time",
        arguments: [
            ("2026-03-02T09:30:00+08:00", true), ("2026-03-02T10:00:00+08:00", true), ("2026-03-02T10:00:01+08:00", false),
        ])
    func meeting(at text: String, onTime: Bool) throws {
        var clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        let respondDeadline = clock.target(.respond).deadline
        clock.meet(.acknowledge, at: try Fixtures.instant(text))
        #expect(clock.target(.acknowledge).metOnTime == onTime)
        #expect(clock.target(.respond).deadline == respondDeadline)
        #expect(clock.dueEvents(at: try Fixtures.instant("2026-03-02T12:00:00+08:00")).allSatisfy { $0.milestone != .acknowledge })
        #expect(!clock.meet(.acknowledge, at: try Fixtures.instant("2026-03-02T11:00:00+08:00")))
    }

    @Test("resolving meets the earlier milestones too and leaves nothing due")
    func resolveMeetsAll() throws {
        var clock = SLAClock(policy: .rule137, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        clock.pause(at: try Fixtures.instant("2026-03-02T10:00:00+08:00"))
        let resolvedAt = try Fixtures.instant("2026-03-02T11:00:00+08:00")
        clock.meet(.resolve, at: resolvedAt)
        #expect(clock.targets.allSatisfy { $0.metAt == resolvedAt && $0.metOnTime == true })
        #expect(!clock.isPaused)
        #expect(clock.nextDue() == nil)
        #expect(clock.dueEvents(at: try Fixtures.instant("2027-01-01T00:00:00+08:00")).isEmpty)
    }

    @Test("a clock round-trips through JSON with its pause and fired events")
    func codable() throws {
        var clock = SLAClock(policy: .rule113, calendar: calendar, startedAt: try Fixtures.instant("2026-03-02T09:00:00+08:00"))
        clock.markFired(clock.dueEvents(at: try Fixtures.instant("2026-03-02T09:50:00+08:00")))
        clock.meet(.acknowledge, at: try Fixtures.instant("2026-03-02T09:55:00+08:00"))
        clock.pause(at: try Fixtures.instant("2026-03-02T10:00:00+08:00"))
        clock.resume(at: try Fixtures.instant("2026-03-02T11:00:00+08:00"), calendar: calendar)
        clock.pause(at: try Fixtures.instant("2026-03-02T14:00:00+08:00"))
        let plain = try JSONDecoder().decode(SLAClock.self, from: try JSONEncoder().encode(clock))
        #expect(plain == clock)
        #expect(plain.target(.acknowledge).warningFired)
        #expect(plain.isPaused)
        #expect(plain.pausedBusinessTime == .seconds(3600))
    }

    @Test("a policy loads from JSON; the warning share defaults to 80 %")
    func policyCodable() throws {
        let decoded = try JSONDecoder().decode(SLAPolicy.self, from: try JSONEncoder().encode(SLAPolicy.rule137))
        #expect(decoded == .rule137)
        var object = try #require(
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(SLAPolicy.rule113)) as? [String: Any])
        object["warningShare"] = nil
        let withoutShare = try JSONDecoder().decode(SLAPolicy.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(withoutShare.warningShare == 0.8)
        #expect(withoutShare.respond == .businessDays(1))
    }
}
