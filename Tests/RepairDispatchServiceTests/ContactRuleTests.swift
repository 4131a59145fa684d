import CareLoopContracts
import CareLoopKafka
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("The 24-hour contact rule on durable timers (PostgreSQL)", .serialized, .timeLimit(.minutes(3)))
struct ContactRuleTests {
    static let plumbers = [
        TechnicianProfile(id: "TECH-P1", name: "Plumber One", skills: [.plumbing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 4),
        TechnicianProfile(id: "TECH-P2", name: "Plumber Two", skills: [.plumbing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 4),
    ]

    @Test("warning at the configured share, then the breach reassigns to another technician and says so on the topic")
    func warningThenBreach() async throws {
        try await DispatchTestBed.with(settings: ["repairDispatch.contactWarningPercent": "50,75"], roster: Self.plumbers) { bed in
            let data = routedCase(submittedAt: DispatchTestBed.start)
            try await bed.deliver([data])
            let order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.technicianID == "TECH-P1")
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE fired_at IS NULL") == 3)

            bed.clock.advance(by: 11 * 3600)
            #expect(try await bed.fireTimers() == 0, "nothing due before half the window")
            bed.clock.advance(by: 3600)
            #expect(try await bed.fireTimers() == 1)
            bed.clock.advance(by: 6 * 3600)
            #expect(try await bed.fireTimers() == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'contact_warning'") == 2)
            #expect(try await bed.events().count == 2, "warnings are records, not events")

            bed.clock.advance(by: 6 * 3600 + 1)
            #expect(try await bed.fireTimers() == 1)
            let breached = try #require(try await bed.order(ofCase: data.caseID))
            #expect(breached.technicianID == "TECH-P2" && breached.status == .assigned)
            #expect(breached.escalation == "contact_deadline_breached")
            let last = try #require(try await bed.events().last)
            #expect(last.type == "careloop.workorder.assigned" && last.data["technician_id"] as? String == "TECH-P2")
            #expect(last.data["previous_technician_id"] as? String == "TECH-P1")
            #expect(last.data["escalation"] as? String == "contact_deadline_breached")
            #expect((last.data["reason"] as? String)?.contains("24-hour contact deadline") == true)
            #expect(try await bed.count("SELECT count(*)::int FROM assignments WHERE end_reason = 'contact_deadline_breached'") == 1)
            bed.clock.advance(by: 3600)
            #expect(try await bed.fireTimers() == 0, "each timer fires once")

            // The new technician calls: on record as late, the breach escalation closes.
            let (contacted, onTime) = try await WorkOrderCommands(parts: bed.parts).logContact(breached.id, technicianID: "TECH-P2", note: nil)
            #expect(contacted.status == .contacted && !onTime && contacted.escalation == nil)
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE resolved_at IS NULL") == 0)
        }
    }

    @Test("contact in time stops the timers; nobody else suitable at a breach keeps the technician and re-announces with the escalation")
    func contactStopsTimers() async throws {
        try await DispatchTestBed.with { bed in
            let onTime = routedCase(submittedAt: DispatchTestBed.start)
            let late = routedCase(submittedAt: DispatchTestBed.start)
            try await bed.deliver([onTime, late])
            let first = try #require(try await bed.order(ofCase: onTime.caseID))
            bed.clock.advance(by: 3600)
            let (_, inTime) = try await WorkOrderCommands(parts: bed.parts).logContact(first.id, technicianID: "TECH-P1", note: "booked for tomorrow")
            #expect(inTime)
            bed.clock.advance(by: 24 * 3600)
            #expect(try await bed.fireTimers() == 2, "the late order's warning and breach only")
            let second = try #require(try await bed.order(ofCase: late.caseID))
            #expect(second.technicianID == "TECH-P1", "the only plumber keeps it")
            let events = try await bed.events().filter { $0.workOrderID == second.id }
            #expect(events.map(\.status) == ["opened", "assigned", "assigned"])
            #expect(events.last?.data["escalation"] as? String == "contact_deadline_breached")
            #expect((events.last?.data["reason"] as? String)?.contains("nobody else is suitable") == true)
            #expect(try await bed.count("SELECT count(*)::int FROM work_order_entries WHERE kind = 'note'") == 1)
        }
    }

    @Test("due timers are claimed by one worker only: concurrent workers fire each exactly once")
    func firesOnceAcrossWorkers() async throws {
        try await DispatchTestBed.with(settings: ["repairDispatch.timerBatchSize": "7"], roster: Self.plumbers) { bed in
            try await bed.deliver((0..<30).map { _ in routedCase(submittedAt: DispatchTestBed.start) })
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE fired_at IS NULL") == 60)
            bed.clock.advance(by: 24 * 3600 + 1)
            let worker = bed.parts.timerWorker
            let claimed = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var total = 0
                        while true {
                            let fired = try await worker.fireDue()
                            total += fired
                            if fired == 0 { return total }
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(claimed == 60)
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE fired_at IS NULL") == 0)
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'contact_deadline_breached'") == 30)
            // One breach event per order, each reassigning to the other plumber.
            let breachEvents = try await bed.events().filter { $0.data["escalation"] as? String == "contact_deadline_breached" }
            #expect(breachEvents.count == 30 && Set(breachEvents.compactMap(\.workOrderID)).count == 30)
        }
    }
}
