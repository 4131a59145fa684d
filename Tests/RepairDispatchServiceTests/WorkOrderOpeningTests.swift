import CareLoopContracts
import CareLoopKafka
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("Opening work orders from routed cases (PostgreSQL)", .serialized, .timeLimit(.minutes(3)))
struct WorkOrderOpeningTests {
    @Test("a routed repair opens one order, assigned at once; events opened then assigned, keyed by the order; never twice")
    func opensAndAssigns() async throws {
        try await DispatchTestBed.with { bed in
            let data = routedCase()
            #expect(try await bed.deliver([data]).isEmpty)
            let order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.status == .assigned && order.technicianID == "TECH-P1" && order.version == 2)
            #expect(order.scope == RepairScope(skill: .plumbing, component: .plumbing))
            #expect(order.plannedDay == LocalDate(year: 2026, month: 11, day: 23))
            #expect(order.dispatchGroup == "12/plumbing")
            #expect(order.contactBy == Timestamp(DispatchTestBed.start.addingTimeInterval(-600 + 86_400)))
            // Building 12 delivered 2025-09-30: plumbing in warranty until 2027-09-30.
            #expect(order.warranty.inWarranty && order.warranty.coverage.expiresOn == "2027-09-30" && order.quote == .notRequired)

            let events = try await bed.events()
            #expect(events.map(\.type) == ["careloop.workorder.opened", "careloop.workorder.assigned"])
            #expect(events.allSatisfy { $0.key == order.id && $0.subject == order.id && $0.data["case_id"] as? String == data.caseID })
            #expect(events.map(\.id) == ["\(order.id).1", "\(order.id).2"])
            #expect(events[1].data["technician_id"] as? String == "TECH-P1")
            for event in events { #expect((try? WorkOrderEventData.parse(json: event.json).get()) != nil, "contract data: \(event.data)") }

            // The same event again (inbox), the same case under another event id, and within one batch.
            try await bed.deliver([data])
            var again = data
            again.occurredAt = Timestamp(DispatchTestBed.start)
            try await bed.deliver([again, again], type: .caseRouted, offset: 10)
            #expect(try await bed.count("SELECT count(*)::int FROM work_orders") == 1)
            #expect(try await bed.events().count == 2)
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE kind LIKE 'contact_%'") == 2, "one warning, one breach")
        }
    }

    @Test("routed cases that need no work open nothing; unflagged repairs and inspection defects do")
    func needsWork() async throws {
        try await DispatchTestBed.with { bed in
            let flaggedOff = routedCase(requiresWorkOrder: false)
            let complaint = routedCase(kind: .complaint)
            let flaggedComplaint = routedCase(kind: .complaint, requiresWorkOrder: true)
            let inspection = routedCase(kind: .complaint, batch: "DELIVERY-2026-11-SZ-FSG-B12")
            let registered = routedCase()
            try await bed.deliver([flaggedOff, complaint, flaggedComplaint, inspection])
            #expect(try await bed.deliver([registered], type: .caseRegistered, offset: 10).isEmpty, "skipped, not dead-lettered")
            #expect(try await bed.order(ofCase: flaggedOff.caseID) == nil)
            #expect(try await bed.order(ofCase: complaint.caseID) == nil)
            #expect(try await bed.order(ofCase: flaggedComplaint.caseID) != nil)
            #expect(try await bed.order(ofCase: inspection.caseID)?.inspectionBatch == "DELIVERY-2026-11-SZ-FSG-B12")
            #expect(try await bed.order(ofCase: registered.caseID) == nil, "only careloop.case.routed opens orders")
        }
    }

    @Test("invalid routed data is rejected with its field errors and opens nothing")
    func rejectsInvalid() async throws {
        try await DispatchTestBed.with { bed in
            var broken = routedCase()
            broken.reference = ""
            let rejections = try await bed.deliver([broken, routedCase()])
            #expect(rejections.count == 1)
            #expect(rejections.first?.errorClass == "validation" && rejections.first?.message.contains("reference") == true)
            #expect(try await bed.count("SELECT count(*)::int FROM work_orders") == 1)
        }
    }

    @Test("out of warranty: a paid job whose visit cannot be booked before the owner accepts the quote")
    func outOfWarranty() async throws {
        let registry = [ProjectDelivery(project: "SZ-FSG", city: "shenzhen", deliveredOn: LocalDate(year: 2020, month: 1, day: 15))]
        try await DispatchTestBed.with(registry: registry) { bed in
            let data = routedCase()
            try await bed.deliver([data])
            let order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(!order.warranty.inWarranty && order.warranty.coverage.expiresOn == "2022-01-15")
            #expect(order.quote == .awaitingAcceptance)
            let events = try await bed.events()
            #expect(events.first?.data["quote_status"] as? String == "awaiting_acceptance")
            #expect((events.first?.data["warranty"] as? [String: Any])?["in_warranty"] as? Bool == false)

            let commands = WorkOrderCommands(parts: bed.parts)
            _ = try await commands.logContact(order.id, technicianID: "TECH-P1", note: nil)
            let slot = try await commands.slots(order.id, technicianID: "TECH-P1", day: LocalDate(year: 2026, month: 11, day: 24)!)[0].window
            await #expect(throws: IllegalTransition(current: .contacted, action: .schedule, code: .quoteNotAccepted)) {
                _ = try await commands.schedule(order.id, technicianID: "TECH-P1", start: slot.start)
            }
            _ = try await commands.acceptQuote(order.id, staff: .staff("STAFF-1"), amount: "380.00")
            let scheduled = try await commands.schedule(order.id, technicianID: "TECH-P1", start: slot.start)
            #expect(scheduled.status == .scheduled && scheduled.quote == .accepted && scheduled.quoteAmount == "380.00")
        }
    }

    @Test("nobody suitable: escalated on the opened event, retried on a timer, assigned once someone can")
    func nobodySuitable() async throws {
        try await DispatchTestBed.with(settings: ["repairDispatch.assignmentRetryMs": "60000"]) { bed in
            let data = routedCase(hint: "engineering.windows", title: "Window will not close")
            try await bed.deliver([data])
            var order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.status == .opened && order.technicianID == nil && order.escalation == "nobody_suitable")
            let opened = try #require(try await bed.events().first)
            #expect(opened.type == "careloop.workorder.opened" && opened.data["escalation"] as? String == "nobody_suitable")
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'nobody_suitable' AND resolved_at IS NULL") == 1)

            bed.clock.advance(by: 61)
            try await bed.fireTimers()
            order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.status == .opened, "still nobody")
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE kind = 'assignment_retry' AND fired_at IS NULL") == 1)

            _ = try await bed.database.withTransaction { connection in
                try await RosterRepository(connection: connection, logger: bed.parts.logger).upsert(
                    TechnicianProfile(id: "TECH-WIN", name: "Windows", skills: [.windows], zones: [.init(project: "SZ-FSG", building: "12")]))
            }
            try await bed.parts.rosterSync.refresh()
            bed.clock.advance(by: 61)
            try await bed.fireTimers()
            order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.status == .assigned && order.technicianID == "TECH-WIN" && order.escalation == nil)
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE resolved_at IS NULL AND kind = 'nobody_suitable'") == 0)
            #expect(try await bed.events().map(\.status) == ["opened", "assigned"])
        }
    }

    @Test("a crew that must accept: offered without an event; accepting assigns; declining passes it on")
    func crewAcceptance() async throws {
        let roster = DispatchTestBed.roster + [
            TechnicianProfile(
                id: "CREW-W2", name: "Second crew", kind: .vendorCrew, skills: [.waterproofing], zones: [.init(project: "SZ-FSG")],
                dailyCapacity: 4)
        ]
        try await DispatchTestBed.with(roster: roster) { bed in
            let commands = WorkOrderCommands(parts: bed.parts)
            let first = routedCase(hint: "engineering.leakage", title: "Bathroom ceiling leaks")
            let second = routedCase(hint: "engineering.leakage", building: "7", title: "Balcony leaks")
            try await bed.deliver([first])
            try await bed.deliver([second], offset: 1)
            let one = try #require(try await bed.order(ofCase: first.caseID))
            let two = try #require(try await bed.order(ofCase: second.caseID))
            #expect(one.status == .opened && one.offeredTo == "CREW-W1" && one.technicianID == nil)
            #expect(two.offeredTo == "CREW-W2", "another building goes to the less loaded crew")
            #expect(one.warranty.basis == .projectPromise, "SZ-FSG promises 8 years of waterproofing")

            let accepted = try await commands.accept(one.id, technicianID: "CREW-W1")
            #expect(accepted.status == .assigned && accepted.technicianID == "CREW-W1" && accepted.vendorID == "VEND-WP")
            #expect(accepted.acceptedAt != nil && accepted.offeredTo == nil)
            let declined = try await commands.decline(two.id, technicianID: "CREW-W2", reason: "no capacity this week")
            #expect(declined.offeredTo == "CREW-W1", "offered to the other crew")
            await #expect(throws: CommandError.self) { _ = try await commands.accept(two.id, technicianID: "CREW-W2") }

            let events = try await bed.events()
            #expect(events.filter { $0.workOrderID == one.id }.map(\.status) == ["opened", "assigned"])
            #expect(events.filter { $0.workOrderID == two.id }.map(\.status) == ["opened"])
            #expect(events.last?.data["vendor_id"] as? String == "VEND-WP")
            let history = try await bed.count(
                "SELECT count(*)::int FROM assignments WHERE technician_id = 'CREW-W2' AND end_reason = 'declined'")
            #expect(history == 1, "reassignment keeps history")
        }
    }

    @Test("a crew that does not accept in time loses the offer to the next one")
    func acceptanceTimeout() async throws {
        let roster = DispatchTestBed.roster + [
            TechnicianProfile(id: "TECH-WP", name: "Own waterproofer", skills: [.waterproofing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 0)
        ]
        try await DispatchTestBed.with(settings: ["repairDispatch.acceptanceTimeoutMs": "60000"], roster: roster) { bed in
            let data = routedCase(hint: "engineering.leakage")
            try await bed.deliver([data])
            #expect(try await bed.order(ofCase: data.caseID)?.offeredTo == "CREW-W1")
            bed.clock.advance(by: 61)
            #expect(try await bed.fireTimers() == 1)
            let order = try #require(try await bed.order(ofCase: data.caseID))
            #expect(order.offeredTo == nil && order.escalation == "nobody_suitable", "the only other one has no capacity")
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'acceptance_timeout'") == 1)
            #expect(try await bed.count("SELECT count(*)::int FROM assignments WHERE end_reason = 'acceptance_timeout'") == 1)
        }
    }
}
