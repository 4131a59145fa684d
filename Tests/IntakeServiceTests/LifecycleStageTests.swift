import CareLoopContracts
import Foundation
import Testing

@testable import IntakeService

@Suite("Owner lifecycle stage by move-in date")
struct LifecycleStageTests {
    static func date(_ text: String) -> CivilDate { CivilDate(fullDate: text)! }

    @Test(
        "stage on a day, at every boundary",
        arguments: [
            ("2026-06-15", "2026-06-14", LifecycleStage.prospective),  // moves in tomorrow
            ("2026-06-15", "2026-06-15", .runningIn),  // moving-in day
            ("2026-06-15", "2027-06-14", .runningIn),  // last day of the first year
            ("2026-06-15", "2027-06-15", .stable),  // first anniversary
            ("2026-06-15", "2028-06-15", .stable),  // second anniversary: still 1–2 years
            ("2026-06-15", "2028-06-16", .senior),  // more than two years
            ("2016-01-01", "2026-11-22", .senior),
            ("2024-02-29", "2025-02-27", .runningIn),  // leap-day move-in: anniversary on 28 February
            ("2024-02-29", "2025-02-28", .stable),
            ("2024-02-29", "2026-02-28", .stable),
            ("2024-02-29", "2026-03-01", .senior),
            ("2024-02-29", "2028-02-29", .senior),
        ])
    func stage(moveIn: String, today: String, expected: LifecycleStage) {
        #expect(LifecycleStage.stage(moveIn: Self.date(moveIn), today: Self.date(today)) == expected)
    }

    @Test("no move-in date, no stage")
    func unknown() {
        #expect(LifecycleStage.stage(moveIn: nil, today: Self.date("2026-11-22")) == nil)
    }

    @Test("today is counted in the city's time zone")
    func today() throws {
        let instant = try #require(ISO8601DateFormatter().date(from: "2027-06-14T17:00:00Z"))  // 01:00 on the 15th in Shanghai
        let shanghai = CivilDate.on(instant, in: try #require(TimeZone(identifier: "Asia/Shanghai")))
        #expect(shanghai == Self.date("2027-06-15"))
        #expect(LifecycleStage.stage(moveIn: Self.date("2026-06-15"), today: shanghai) == .stable)
        let utc = CivilDate.on(instant, in: try #require(TimeZone(identifier: "UTC")))
        #expect(LifecycleStage.stage(moveIn: Self.date("2026-06-15"), today: utc) == .runningIn)
    }

    @Test("wire values")
    func wireValues() {
        #expect(LifecycleStage.allCases.map(\.rawValue) == ["prospective", "running_in", "stable", "senior"])
    }
}
