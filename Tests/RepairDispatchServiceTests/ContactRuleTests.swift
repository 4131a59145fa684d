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

    @Test("an order no crew accepts: warned, and at the deadline the breach is announced on the topic and escalated")
    func breachWhenNobodyAccepts() async throws {
        try await DispatchTestBed.with { bed in
            let data = routedCase(hint: "engineering.leakage", submittedAt: DispatchTestBed.start)
            try await bed.deliver([data])
            let order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.offeredTo == "CREW-W1" && order.technicianID == nil)

            bed.clock.advance(by: 2 * 3600 + 1)
            #expect(try await bed.fireTimers() == 1, "the crew's acceptance time runs out; nobody else can take it")
            #expect(try await bed.order(order.id)?.escalation == "nobody_suitable")
            bed.clock.advance(by: 16 * 3600)
            try await bed.fireTimers()
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'contact_warning'") == 1)
            #expect(try await bed.events().filter { $0.data["escalation"] as? String == "contact_deadline_breached" }.isEmpty)

            bed.clock.advance(by: 6 * 3600)
            try await bed.fireTimers()
            let breached = try await bed.events().filter { $0.workOrderID == order.id && $0.data["escalation"] as? String == "contact_deadline_breached" }
            #expect(breached.count == 1, "the breach reaches the topic")
            let event = try #require(breached.first)
            #expect(event.type == "careloop.workorder.opened" && event.data["technician_id"] == nil)
            #expect(event.id == "\(order.id).2", "a new event id after the opened one")
            #expect((event.data["reason"] as? String)?.contains("24-hour contact deadline") == true)
            #expect((event.data["reason"] as? String)?.contains("nobody has accepted the order") == true)
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'contact_deadline_breached'") == 1)
            #expect(try await bed.order(order.id)?.escalation == "nobody_suitable", "its retry still places it")

            bed.clock.advance(by: 3600)
            try await bed.fireTimers()
            #expect(try await bed.events().filter { $0.data["escalation"] as? String == "contact_deadline_breached" }.count == 1, "once")
        }
    }

    @Test("a crew still sitting on its offer at the deadline loses it: a technician takes the order, announced with the breach")
    func breachOfUnacceptedOffer() async throws {
        let roster = DispatchTestBed.roster + [
            TechnicianProfile(id: "TECH-W2", name: "Own waterproofer", skills: [.waterproofing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 4)
        ]
        try await DispatchTestBed.with(settings: ["repairDispatch.acceptanceTimeoutMs": "259200000"], roster: roster) { bed in
            let data = routedCase(hint: "engineering.leakage", submittedAt: DispatchTestBed.start)
            try await bed.deliver([data])
            let order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.offeredTo == "CREW-W1", "the crew ranks first")

            bed.clock.advance(by: 24 * 3600 + 1)
            try await bed.fireTimers()
            let taken = try #require(try await bed.order(order.id))
            #expect(taken.status == .assigned && taken.technicianID == "TECH-W2" && taken.offeredTo == nil)
            #expect(taken.escalation == "contact_deadline_breached")
            let last = try #require(try await bed.events().last)
            #expect(last.type == "careloop.workorder.assigned" && last.data["escalation"] as? String == "contact_deadline_breached")
            #expect((last.data["reason"] as? String)?.contains("crew CREW-W1 has not accepted the order") == true)
            #expect(try await bed.count("SELECT count(*)::int FROM assignments WHERE technician_id = 'CREW-W1' AND end_reason = 'contact_deadline_breached'") == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE kind = 'acceptance_timeout' AND cancelled_at IS NOT NULL") == 1)

            // The technician calls: the breach closes as on an assigned order.
            let (contacted, onTime) = try await WorkOrderCommands(parts: bed.parts).logContact(taken.id, technicianID: "TECH-W2", note: nil)
            #expect(contacted.escalation == nil && !onTime)
        }
    }

    @Test("a crew still sitting on its offer at the deadline with only crews left: the next crew is offered and the breach announced")
    func breachOfUnacceptedOfferToNextCrew() async throws {
        let roster = DispatchTestBed.roster + [
            TechnicianProfile(
                id: "CREW-W2", name: "Second crew", kind: .vendorCrew, skills: [.waterproofing], zones: [.init(project: "SZ-FSG")],
                dailyCapacity: 4)
        ]
        try await DispatchTestBed.with(settings: ["repairDispatch.acceptanceTimeoutMs": "259200000"], roster: roster) { bed in
            let data = routedCase(hint: "engineering.leakage", submittedAt: DispatchTestBed.start)
            try await bed.deliver([data])
            let order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.offeredTo == "CREW-W1")
            bed.clock.advance(by: 24 * 3600 + 1)
            try await bed.fireTimers()
            let reoffered = try #require(try await bed.order(order.id))
            #expect(reoffered.offeredTo == "CREW-W2" && reoffered.technicianID == nil && reoffered.status == .opened)
            #expect(reoffered.escalation == "contact_deadline_breached")
            let announced = try await bed.events().filter { $0.workOrderID == order.id }
            #expect(announced.map(\.type) == ["careloop.workorder.opened", "careloop.workorder.opened"])
            #expect(announced.map(\.id) == ["\(order.id).1", "\(order.id).2"])
            #expect(announced.last?.data["escalation"] as? String == "contact_deadline_breached")
            #expect((announced.last?.data["reason"] as? String)?.hasSuffix("crew CREW-W1 has not accepted the order; offered to crew CREW-W2") == true)

            // The second crew accepts: assigned, announced as usual.
            let accepted = try await WorkOrderCommands(parts: bed.parts).accept(order.id, technicianID: "CREW-W2")
            #expect(accepted.status == .assigned && accepted.technicianID == "CREW-W2")
            #expect(try await bed.events().last?.type == "careloop.workorder.assigned")
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
