import CareLoopContracts
import CareLoopKafka
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("Delivery waves and the backlog report (PostgreSQL)", .serialized, .timeLimit(.minutes(3)))
struct DeliveryWaveTests {
    static let crews = [
        TechnicianProfile(id: "PL-1", name: "Plumbing 1", skills: [.plumbing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 10),
        TechnicianProfile(id: "PL-2", name: "Plumbing 2", skills: [.plumbing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 10),
        TechnicianProfile(id: "FN-1", name: "Finishing 1", skills: [.finishing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 15),
    ]

    @Test("a wave's defects are grouped by building and trade, spread over crews' capacity and days, and reported per project")
    func waveAndBacklog() async throws {
        try await DispatchTestBed.with(roster: Self.crews) { bed in
            let batch = "DELIVERY-2026-11-SZ-FSG"
            var defects: [CaseEventData] = []
            for index in 0..<120 {
                let building = ["12", "7", "3"][index % 3]
                let plumbing = index % 2 == 0
                defects.append(
                    routedCase(
                        kind: .repair, category: plumbing ? "engineering.plumbing_hvac" : "engineering.finishing",
                        hint: plumbing ? "engineering.plumbing" : "engineering.finishing", building: building, unit: "\(1000 + index)",
                        batch: batch, title: plumbing ? "Drain slow" : "Paint peeling"))
            }
            // As the consumer hands them over: batches of 50.
            for start in stride(from: 0, to: defects.count, by: 50) {
                try await bed.deliver(Array(defects[start..<min(start + 50, defects.count)]), offset: Int64(start))
            }
            #expect(try await bed.count("SELECT count(*)::int FROM work_orders") == 120)
            #expect(try await bed.count("SELECT count(*)::int FROM work_orders WHERE technician_id IS NULL") == 0)
            // Capacity is never exceeded on any day.
            let overfull = try await bed.count(
                """
                SELECT count(*)::int FROM (SELECT technician_id, planned_day, count(*) AS n FROM work_orders
                GROUP BY 1, 2) per_day JOIN technicians t USING (technician_id)
                WHERE per_day.n > (t.profile->>'daily_capacity')::int
                """)
            #expect(overfull == 0)
            // 60 plumbing over 2 × 10 a day: three days; 60 finishing over 15 a day: four days.
            #expect(try await bed.count("SELECT count(DISTINCT planned_day)::int FROM work_orders WHERE skill = 'plumbing'") == 3)
            #expect(try await bed.count("SELECT count(DISTINCT planned_day)::int FROM work_orders WHERE skill = 'finishing'") == 4)
            // Batches: a crew works one building's trade on a day. Most orders sit in batches of four or more of
            // the same building and trade for one crew and day (interleaved placement would mix buildings).
            let batched = try await bed.count(
                """
                SELECT (100 * sum(n) FILTER (WHERE n >= 4) / sum(n))::int FROM (SELECT count(*) AS n FROM work_orders
                GROUP BY technician_id, planned_day, dispatch_group) batches
                """)
            #expect(batched >= 80, "\(batched) % of orders in batches of 4 or more")
            #expect(try await bed.count("SELECT count(*)::int FROM work_orders WHERE dispatch_group <> building || '/' || skill") == 0)

            let report = try await bed.database.withConnection { connection in
                try await BacklogRepository(connection: connection, logger: bed.parts.logger).backlog(of: "SZ-FSG", now: bed.clock.now)
            }
            #expect(report.open == 120 && report.unassigned == 0 && report.byStatus == ["assigned": 120])
            #expect(report.inspectionBatches.map(\.batch) == [batch] && report.inspectionBatches.first?.orders == 120)
            #expect(report.byGroup.count == 6, "3 buildings × 2 trades")
            #expect(report.byGroup.reduce(0) { $0 + $1.open } == 120)
            #expect(report.byPlannedDay.first?.day == LocalDate(year: 2026, month: 11, day: 23))
            #expect(report.byPlannedDay.reduce(0) { $0 + $1.orders } == 120)
            #expect(report.contactOverdue == 0)
            bed.clock.advance(by: 25 * 3600)
            let later = try await bed.database.withConnection { connection in
                try await BacklogRepository(connection: connection, logger: bed.parts.logger).backlog(of: "SZ-FSG", now: bed.clock.now)
            }
            #expect(later.contactOverdue == 120)
        }
    }
}
