import CareLoopContracts
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("Work orders follow their case: closed, merged, reopened (PostgreSQL)", .serialized, .timeLimit(.minutes(3)))
struct CaseLifecycleTests {
    /// Works `id` through contact, a visit tomorrow at 08:00, start and completion by `technician`.
    static func complete(_ id: String, by technician: String, _ bed: DispatchTestBed) async throws {
        let commands = WorkOrderCommands(parts: bed.parts)
        _ = try await commands.logContact(id, technicianID: technician, note: nil)
        _ = try await commands.schedule(id, technicianID: technician, start: try Timestamp(rfc3339: "2026-11-24T08:00:00+08:00"))
        _ = try await commands.start(id, technicianID: technician)
        _ = try await commands.complete(id, technicianID: technician, workDone: "replaced the cartridge", cause: nil, partsUsed: [])
    }

    /// The order's events in the outbox, by status.
    static func statuses(of id: String, _ bed: DispatchTestBed) async throws -> [String?] {
        try await bed.events().filter { $0.workOrderID == id }.map(\.status)
    }

    @Test("a staff close cancels the open order (timers, visit, offer, assignment end); a replay and a satisfied close cancel nothing")
    func closeCancels() async throws {
        try await DispatchTestBed.with { bed in
            let open = routedCase()
            let done = routedCase(building: "7")
            try await bed.deliver([open, done])
            let order = try #require(try await bed.order(ofCase: open.caseID))
            let finished = try #require(try await bed.order(ofCase: done.caseID))
            let commands = WorkOrderCommands(parts: bed.parts)
            _ = try await commands.logContact(order.id, technicianID: "TECH-P1", note: nil)
            _ = try await commands.schedule(order.id, technicianID: "TECH-P1", start: try Timestamp(rfc3339: "2026-11-24T10:00:00+08:00"))
            try await Self.complete(finished.id, by: "TECH-P1", bed)
            bed.clock.advance(by: 3600)

            let close = caseEvent(open, .closed, at: bed.clock.now, reason: "owner withdrew the request", actor: "STAFF-7")
            #expect(try await bed.deliver([close], type: .caseClosed).isEmpty)
            let cancelled = try #require(try await bed.order(order.id))
            #expect(cancelled.status == .cancelled && cancelled.offeredTo == nil && cancelled.escalation == nil)
            let event = try #require(try await bed.events().last)
            #expect(event.type == "careloop.workorder.cancelled" && event.workOrderID == order.id && event.id == "\(order.id).\(cancelled.version)")
            #expect(event.data["reason"] as? String == "case \(open.reference) closed: owner withdrew the request")
            #expect(event.data["actor"] as? String == "STAFF-7")
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL") == 0)
            #expect(try await bed.count("SELECT count(*)::int FROM appointments WHERE state = 'booked'") == 0)
            #expect(try await bed.count("SELECT count(*)::int FROM assignments WHERE ended_at IS NULL AND work_order_id = '\(order.id)'") == 0)
            #expect(await bed.parts.board.load(of: "TECH-P1", on: LocalDate(year: 2026, month: 11, day: 24)!) == 0, "the visit day is freed")

            // The same close republished (another ce_id): nothing more.
            let before = try await bed.events().count
            #expect(try await bed.deliver([close], type: .caseClosed, idSuffix: "-again").isEmpty)
            #expect(try await bed.events().count == before)

            // A satisfied call-back closes the other case after completion: its order stays completed.
            let satisfied = caseEvent(done, .closed, at: bed.clock.now, reason: "call-back satisfied (score 5)", actor: "survey")
            try await bed.deliver([satisfied], type: .caseClosed, offset: 1)
            #expect(try await bed.order(finished.id)?.status == .completed)
            #expect(try await bed.events().count == before)
        }
    }

    @Test("a close while work is under way escalates to the dispatcher once and cancels nothing; completion resolves it")
    func closeDuringWork() async throws {
        try await DispatchTestBed.with { bed in
            let data = routedCase()
            try await bed.deliver([data])
            let order = try #require(try await bed.order(ofCase: data.caseID))
            let commands = WorkOrderCommands(parts: bed.parts)
            _ = try await commands.logContact(order.id, technicianID: "TECH-P1", note: nil)
            _ = try await commands.schedule(order.id, technicianID: "TECH-P1", start: try Timestamp(rfc3339: "2026-11-24T08:00:00+08:00"))
            _ = try await commands.start(order.id, technicianID: "TECH-P1")
            let events = try await bed.events().count
            let close = caseEvent(data, .closed, at: bed.clock.now, reason: "duplicate of another case", actor: "STAFF-7")
            #expect(try await bed.deliver([close], type: .caseClosed).isEmpty)
            try await bed.deliver([close], type: .caseClosed, offset: 1, idSuffix: "-again")
            #expect(try await bed.order(order.id)?.status == .started)
            #expect(try await bed.events().count == events, "no work-order event")
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'case_closed' AND resolved_at IS NULL") == 1)
            _ = try await commands.complete(order.id, technicianID: "TECH-P1", workDone: "done", cause: nil, partsUsed: [])
            #expect(try await bed.count("SELECT count(*)::int FROM escalations WHERE kind = 'case_closed' AND resolved_at IS NULL") == 0)
        }
    }

    @Test("a merge into a group incident keeps the order and records the merge once on it, visible to staff")
    func mergeRecorded() async throws {
        try await DispatchTestBed.with { bed in
            let data = routedCase()
            try await bed.deliver([data])
            let order = try #require(try await bed.order(ofCase: data.caseID))
            let merged = caseEvent(data, .merged, at: bed.clock.now, reason: "6 owners, same leak", actor: "system", groupIncidentID: "GI-42")
            #expect(try await bed.deliver([merged], type: .caseMerged).isEmpty)
            try await bed.deliver([merged], type: .caseMerged, offset: 1, idSuffix: "-again")
            let kept = try #require(try await bed.order(order.id))
            #expect(kept.status == .assigned && kept.technicianID == "TECH-P1")
            #expect(try await Self.statuses(of: order.id, bed) == ["opened", "assigned"], "no work-order event")
            let details = try await WorkOrderCommands(parts: bed.parts).details(order.id, for: .staff("STAFF-7"))
            let recorded = details.entries.filter { $0.kind == "case_merged" }
            #expect(recorded.count == 1)
            #expect(recorded.first?.body.group_incident_id == "GI-42" && recorded.first?.actor == "system")
            #expect(recorded.first?.body.text == "case \(data.reference) merged into group incident GI-42")
        }
    }

    @Test("a reopened case reopens its completed order back to the same technician; the echo and a replay change nothing")
    func reopenCompleted() async throws {
        try await DispatchTestBed.with(roster: ContactRuleTests.plumbers) { bed in
            let first = routedCase()
            let second = routedCase(building: "7")
            try await bed.deliver([first, second])
            let one = try #require(try await bed.order(ofCase: first.caseID))
            let two = try #require(try await bed.order(ofCase: second.caseID))
            #expect(one.technicianID == "TECH-P1" && two.technicianID == "TECH-P2")
            try await Self.complete(one.id, by: "TECH-P1", bed)
            try await Self.complete(two.id, by: "TECH-P2", bed)
            bed.clock.advance(by: 2 * 3600)

            // Both plumbers are free now: the board alone would pick TECH-P1; the work goes back to TECH-P2.
            let reopenedAt = bed.clock.now
            let reopen = caseEvent(second, .reopened, at: reopenedAt, reason: "call-back unsatisfied (score 2): back to repair lead TECH-P2",
                                   actor: "survey")
            #expect(try await bed.deliver([reopen], type: .caseReopened).isEmpty)
            let reopened = try #require(try await bed.order(two.id))
            #expect(reopened.status == .assigned && reopened.technicianID == "TECH-P2")
            #expect(reopened.requestedAt == Timestamp(reopenedAt) && reopened.contactBy == Timestamp(reopenedAt.addingTimeInterval(86_400)))
            #expect(reopened.completedAt == nil && reopened.contactedAt == nil && reopened.appointment == nil)
            let events = try await bed.events().filter { $0.workOrderID == two.id }
            #expect(events.suffix(2).map(\.status) == ["reopened", "assigned"])
            #expect((events.suffix(2).first?.data["reason"] as? String)?.hasPrefix("case \(second.reference) reopened: call-back unsatisfied") == true)
            #expect(events.last?.data["technician_id"] as? String == "TECH-P2")
            #expect(try await bed.count("SELECT count(*)::int FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL AND work_order_id = '\(two.id)'") == 2)
            #expect(try await bed.order(one.id)?.status == .completed, "the other case's order is untouched")

            // Routing's echo of the reopened order, and the same event republished: the order is in work already.
            let count = try await bed.events().count
            let echo = caseEvent(second, .reopened, at: bed.clock.now, reason: "repair work order \(two.id) reopened", actor: "repair_dispatch")
            try await bed.deliver([echo], type: .caseReopened, offset: 1, idSuffix: "-echo")
            try await bed.deliver([reopen], type: .caseReopened, offset: 2, idSuffix: "-again")
            #expect(try await bed.events().count == count)

            // Completed again; a late replay of the old reopening does not reopen it a second time.
            bed.clock.advance(by: 3600)
            try await Self.complete(two.id, by: "TECH-P2", bed)
            try await bed.deliver([reopen], type: .caseReopened, offset: 3, idSuffix: "-late")
            #expect(try await bed.order(two.id)?.status == .completed)
            #expect(try await bed.count("SELECT count(*)::int FROM work_order_history WHERE action = 'reopen'") == 1)
        }
    }

    @Test("a case reopened after a staff close gets a new order (the cancelled one stays); replays open no third one")
    func reopenAfterClose() async throws {
        try await DispatchTestBed.with { bed in
            let data = routedCase()
            try await bed.deliver([data])
            let first = try #require(try await bed.order(ofCase: data.caseID))
            bed.clock.advance(by: 3600)
            let close = caseEvent(data, .closed, at: bed.clock.now, reason: "owner unreachable", actor: "STAFF-7")
            try await bed.deliver([close], type: .caseClosed)
            bed.clock.advance(by: 3600)
            let reopen = caseEvent(data, .reopened, at: bed.clock.now, reason: "owner called back", actor: "STAFF-7")
            #expect(try await bed.deliver([reopen], type: .caseReopened, offset: 1).isEmpty)

            #expect(try await bed.count("SELECT count(*)::int FROM work_orders WHERE case_id = '\(data.caseID)'") == 2)
            let fresh = try #require(try await bed.order(ofCase: data.caseID, live: true))
            #expect(fresh.id != first.id && fresh.status == .assigned && fresh.requestedAt == Timestamp(bed.clock.now))
            #expect(try await bed.order(first.id)?.status == .cancelled)
            #expect(try await Self.statuses(of: fresh.id, bed) == ["opened", "assigned"])

            // Replays: the reopening again, and the older close again (another ce_id each), change nothing.
            let count = try await bed.events().count
            try await bed.deliver([reopen], type: .caseReopened, offset: 2, idSuffix: "-again")
            try await bed.deliver([close], type: .caseClosed, offset: 3, idSuffix: "-again")
            #expect(try await bed.events().count == count)
            #expect(try await bed.count("SELECT count(*)::int FROM work_orders WHERE case_id = '\(data.caseID)'") == 2)
            #expect(try await bed.order(fresh.id)?.status == .assigned)

            // A routed event of the case again (a re-route) opens nothing either.
            try await bed.deliver([data], offset: 4, idSuffix: "-rerouted")
            #expect(try await bed.count("SELECT count(*)::int FROM work_orders WHERE case_id = '\(data.caseID)'") == 2)
        }
    }

    @Test("one batch of routed cases merged into a group incident, one of them closed too: every order opened, each merge recorded once, the close applied after its merge")
    func groupIncidentInOneBatch() async throws {
        try await DispatchTestBed.with { bed in
            let cases = (0..<4).map { routedCase(building: "\($0 + 1)") }
            var pairs: [(CaseEventData, EventType)] = cases.map { ($0, .caseRouted) }
            pairs += cases.map { (caseEvent($0, .merged, at: bed.clock.now, reason: "4 owners", actor: "system", groupIncidentID: "GI-7"), .caseMerged) }
            pairs.append((caseEvent(cases[0], .closed, at: bed.clock.now, reason: "duplicate report", actor: "STAFF-7"), .caseClosed))
            let records = try pairs.enumerated().map { index, pair in try bed.record(pair.0, type: pair.1, offset: 20 + Int64(index)) }
            #expect(try await bed.handle(records).isEmpty)
            let commands = WorkOrderCommands(parts: bed.parts)
            for (position, data) in cases.enumerated() {
                let order = try #require(try await bed.order(ofCase: data.caseID))
                #expect(order.status == (position == 0 ? .cancelled : .assigned))
                let merges = try await commands.details(order.id, for: .staff("STAFF-7")).entries.filter { $0.kind == "case_merged" }
                #expect(merges.count == 1 && merges.first?.body.group_incident_id == "GI-7", "case \(position)")
            }
            // The same batch again (a redelivery under new event ids) records nothing more.
            let again = try pairs.enumerated().map { index, pair in
                try bed.record(pair.0, type: pair.1, offset: 40 + Int64(index), idSuffix: "-again")
            }
            #expect(try await bed.handle(again).isEmpty)
            for data in cases.dropFirst() {
                let order = try #require(try await bed.order(ofCase: data.caseID))
                #expect(try await commands.details(order.id, for: .staff("STAFF-7")).entries.filter { $0.kind == "case_merged" }.count == 1)
            }
        }
    }

    @Test("a routed case and its close in one batch are applied in topic order")
    func orderWithinBatch() async throws {
        try await DispatchTestBed.with { bed in
            let data = routedCase()
            let close = caseEvent(data, .closed, at: DispatchTestBed.start, reason: "entered by mistake", actor: "STAFF-7")
            try await bed.deliver([data])
            // Delivered as one consumer batch through the handler directly: routed of a second case, then its close.
            let other = routedCase(building: "7")
            let otherClose = caseEvent(other, .closed, at: DispatchTestBed.start, reason: "entered by mistake", actor: "STAFF-7")
            let records = try [(other, EventType.caseRouted), (otherClose, .caseClosed), (close, .caseClosed)].enumerated().map { index, pair in
                try bed.record(pair.0, type: pair.1, offset: 10 + Int64(index))
            }
            #expect(try await bed.handle(records).isEmpty)
            #expect(try await bed.order(ofCase: other.caseID)?.status == .cancelled, "opened, then cancelled by the close after it")
            #expect(try await bed.order(ofCase: data.caseID)?.status == .cancelled)
        }
    }
}
