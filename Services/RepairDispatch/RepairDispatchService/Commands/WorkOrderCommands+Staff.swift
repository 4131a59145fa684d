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

    /// The owner is not satisfied: `reopened`, a new 24-hour contact deadline, and the order placed again, back to
    /// the technician who did the work while they are still suitable (see ``WorkOrderOpener/reopen(_:change:requestedAt:preferring:effects:connection:logger:)``).
    func reopen(_ id: String, staff: Caller, reason: String) async throws -> WorkOrder {
        let opener = parts.opener
        return try await change(id, by: staff) { order, effects, connection in
            let change = now(staff, reason: reason)
            try await opener.reopen(
                &order, change: change, requestedAt: change.occurredAt, preferring: order.technicianID, effects: &effects,
                connection: connection, logger: parts.logger)
        }.0
    }

    /// Cancels the order with `reason`: timers stop, the visit and the assignment end, escalations close.
    func cancel(_ id: String, staff: Caller, reason: String) async throws -> WorkOrder {
        let (order, freed) = try await change(id, by: staff) { order, effects, connection in
            try await dispatcher.cancel(&order, change: now(staff, reason: reason), effects: &effects, connection: connection, logger: parts.logger)
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
