import CareLoopContracts
import Foundation
import Logging
import Metrics
import PostgresNIO

extension WorkOrderCommands {
    /// The owner accepted the quote of an out-of-warranty repair (optionally with its amount): visits can be booked.
    func acceptQuote(_ id: String, staff: Caller, amount: String?) async throws -> WorkOrder {
        try await change(id, by: staff) { order, effects, _ in
            try requireOpen(order, for: "accept the quote of")
            guard order.quote == .awaitingAcceptance else {
                throw CommandError(
                    code: .conflict, message: "work order \(order.id) has no quote waiting for acceptance (quote: \(order.quote.rawValue))",
                    currentState: order.status)
            }
            order.quote = .accepted
            order.quoteAmount = amount ?? order.quoteAmount
            effects.log([.init(kind: "note", body: .init(text: "quote accepted by the owner"), actor: staff.actor)], on: order.id)
        }.0
    }

    /// The result was checked (call-back or inspection): `verified`.
    func verify(_ id: String, staff: Caller) async throws -> WorkOrder {
        try await change(id, by: staff) { order, effects, _ in
            try transition(.verify, on: &order, change: now(staff), effects: &effects)
        }.0
    }

    /// The owner is not satisfied: `reopened`, a new 24-hour contact deadline, and the order placed again (the
    /// same technician may get it back).
    func reopen(_ id: String, staff: Caller, reason: String) async throws -> WorkOrder {
        let opener = parts.opener
        return try await change(id, by: staff) { order, effects, connection in
            let change = now(staff, reason: reason)
            let previous = order.technicianID
            try transition(.reopen, on: &order, change: change, effects: &effects)
            if let previous { effects.endedAssignments.append((order.id, previous, "reopened", change.occurredAt.date)) }
            order.technicianID = nil
            order.vendorID = nil
            order.appointment = nil
            order.contactedAt = nil
            order.startedAt = nil
            order.completedAt = nil
            order.requestedAt = change.occurredAt
            order.contactBy = ContactDeadline(requestedAt: change.occurredAt, configuration: opener.contactRule).contactBy
            effects.timers += opener.contactTimers(for: order)
            let excluded = try await WorkOrderRepository(connection: connection, logger: parts.logger).excludedTechnicians(of: order.id)
            let plan = await dispatcher.place(order, excluding: excluded)
            var system = change
            system.actor = "system"
            system.reason = nil
            _ = try await dispatcher.apply(plan, to: &order, change: system, endReason: "reassigned", effects: &effects, logger: parts.logger)
        }.0
    }

    /// Cancels the order with `reason`: timers stop, the visit and the assignment end, escalations close.
    func cancel(_ id: String, staff: Caller, reason: String) async throws -> WorkOrder {
        let (order, freed) = try await change(id, by: staff) { order, effects, connection in
            let change = now(staff, reason: reason)
            let responsible = order.responsibleTechnician
            try transition(.cancel, on: &order, change: change, effects: &effects)
            effects.cancelledTimers.append((order.id, TimerKind.allCases))
            effects.resolvedEscalations.append(
                (order.id, [.nobodySuitable, .contactWarning, .contactDeadlineBreached, .acceptanceTimeout]))
            for technician in [order.technicianID, order.offeredTo].compactMap({ $0 }) {
                effects.endedAssignments.append((order.id, technician, "cancelled", change.occurredAt.date))
            }
            order.offeredTo = nil
            order.escalation = nil
            try await AppointmentRepository(connection: connection, logger: parts.logger).end(of: order.id, state: "cancelled")
            return responsible
        }
        if let freed, let day = order.plannedDay { await parts.board.release(technicianID: freed, day: day) }
        return order
    }

    /// Staff move the order to `technicianID` (any active technician, skills and zones not checked: staff know
    /// better), or, without one, to whoever the board picks next; the technician taken off is not chosen again.
    func reassign(_ id: String, staff: Caller, to technicianID: String?, reason: String) async throws -> WorkOrder {
        let caller = staff
        return try await change(id, by: caller) { order, effects, connection in
            let change = now(caller, reason: reason)
            try requireOpen(order, for: "reassign")
            if let technicianID {
                guard let profile = try await RosterRepository(connection: connection, logger: parts.logger).profile(technicianID),
                    profile.active
                else { throw CommandError.invalid("technician_id", .enum, "no active technician \(technicianID)") }
                let day = order.plannedDay.map { max($0, clock.today()) } ?? clock.today()
                try await dispatcher.assign(&order, to: technicianID, day: day, accepting: false, change: change, endReason: "removed", effects: &effects)
                await parts.board.add(technicianID: technicianID, day: day)
                return
            }
            var excluded = try await WorkOrderRepository(connection: connection, logger: parts.logger).excludedTechnicians(of: order.id)
            if let current = order.responsibleTechnician { excluded.insert(current) }
            let plan = await dispatcher.place(order, excluding: excluded)
            if case .nobodySuitable = plan.outcome {
                throw CommandError(
                    code: .conflict, message: "nobody else is suitable for work order \(order.id); name a technician",
                    currentState: order.status)
            }
            _ = try await dispatcher.apply(plan, to: &order, change: change, endReason: "removed", effects: &effects, logger: parts.logger)
        }.0
    }
}
