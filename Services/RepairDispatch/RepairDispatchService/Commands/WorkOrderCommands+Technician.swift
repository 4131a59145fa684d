import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import Metrics
import PostgresNIO

/// A part used or awaited.
struct PartLine: Codable, Sendable, Hashable {
    var part: String
    var quantity: Int
}

extension WorkOrderCommands {
    /// The technician's open orders planned for `day` or earlier (overdue ones too) or booked on `day`.
    func ordersToday(of technicianID: String, day: LocalDate) async throws -> [WorkOrder] {
        let logger = parts.logger
        let end = clock.bounds(of: day).end
        return try await parts.database.withConnection { connection in
            try await WorkOrderRepository(connection: connection, logger: logger).openOrders(of: technicianID, through: day, dayEnd: end)
        }
    }

    /// Accepts the order: a crew's offer becomes its assignment (announced `assigned`); the assigned technician's
    /// acceptance is recorded (no event). Repeating it changes nothing.
    func accept(_ id: String, technicianID: String) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        return try await change(id, by: caller, assignedOnly: false) { order, effects, connection in
            try requireOpen(order, for: "accept")
            let repository = WorkOrderRepository(connection: connection, logger: parts.logger)
            let now = now(caller)
            if order.offeredTo == technicianID {
                let offerDay = try await repository.assignments(of: order.id)
                    .last { $0.technician_id == technicianID && $0.offered && $0.ended_at == nil }?.planned_day
                try await dispatcher.assign(
                    &order, to: technicianID, day: offerDay, accepting: true, change: now, endReason: "reassigned", effects: &effects)
            } else if order.acceptedAt == nil {
                order.acceptedAt = now.occurredAt
            }
            try await repository.acceptAssignment(of: order.id, technicianID: technicianID, at: now.occurredAt.date)
        }.0
    }

    /// A crew declines its offer: the offer ends, the crew is not asked again for this order, and the order is
    /// placed again (assigned, offered to another crew, or escalated).
    func decline(_ id: String, technicianID: String, reason: String?) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        return try await change(id, by: caller, assignedOnly: false) { order, effects, connection in
            guard order.offeredTo == technicianID else {
                throw CommandError(
                    code: .conflict, message: "only a pending offer can be declined; work order \(order.id) is assigned to you",
                    currentState: order.status)
            }
            let now = now(caller, reason: reason)
            await dispatcher.withdrawOffer(from: &order, reason: "declined", at: now.occurredAt, effects: &effects)
            var excluded = try await WorkOrderRepository(connection: connection, logger: parts.logger).excludedTechnicians(of: order.id)
            excluded.insert(technicianID)
            let plan = await dispatcher.place(order, excluding: excluded)
            var system = now
            system.actor = "system"
            _ = try await dispatcher.apply(plan, to: &order, change: system, endReason: "reassigned", effects: &effects, logger: parts.logger)
        }.0
    }

    /// The technician contacted the owner: `contacted`, the 24-hour timers stop, contact escalations close.
    /// Returns the order and whether contact was within the deadline.
    func logContact(_ id: String, technicianID: String, note: String?) async throws -> (WorkOrder, onTime: Bool) {
        let caller = Caller.technician(technicianID)
        return try await change(id, by: caller) { order, effects, _ in
            let now = now(caller)
            try transition(.contact, on: &order, change: now, effects: &effects)
            order.contactedAt = now.occurredAt
            effects.cancelledTimers.append((order.id, [.contactWarning, .contactBreach]))
            effects.resolvedEscalations.append((order.id, [.contactWarning, .contactDeadlineBreached]))
            if order.escalation == EscalationKind.contactDeadlineBreached.rawValue { order.escalation = nil }
            if let note, !note.isEmpty {
                effects.log([.init(kind: "note", body: .init(text: note), actor: caller.actor)], on: order.id)
            }
            let onTime = now.occurredAt <= order.contactBy
            Counter(label: "careloop_repair_dispatch_contacts_total", dimensions: [("on_time", "\(onTime)")]).increment()
            return onTime
        }
    }

    /// The owner was not at home at the booked window: back to `contacted`, the window freed for others.
    func markNoShow(_ id: String, technicianID: String) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        return try await change(id, by: caller) { order, effects, connection in
            try order.perform(.markNoShow)
            order.appointment = nil
            try await AppointmentRepository(connection: connection, logger: parts.logger).end(of: order.id, state: "no_show")
            try effects.announce(order, action: WorkOrderAction.markNoShow.rawValue, change: now(caller, reason: "owner not present at the booked visit"))
        }.0
    }

    /// Work started on site.
    func start(_ id: String, technicianID: String) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        return try await change(id, by: caller) { order, effects, _ in
            let now = now(caller)
            try transition(.start, on: &order, change: now, effects: &effects)
            order.startedAt = now.occurredAt
        }.0
    }

    /// Work waits for `parts` (logged as awaited parts): `parts_waiting`.
    func waitForParts(_ id: String, technicianID: String, parts awaited: [PartLine], note: String?) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        return try await change(id, by: caller) { order, effects, _ in
            let names = awaited.map { "\($0.quantity) × \($0.part)" }.joined(separator: ", ")
            try transition(.waitForParts, on: &order, change: now(caller, reason: "waiting for parts: \(names)"), effects: &effects)
            var entries = awaited.map { WorkOrderRepository.Entry(kind: "part_awaited", body: .init(part: $0.part, quantity: $0.quantity), actor: caller.actor) }
            if let note, !note.isEmpty { entries.append(.init(kind: "note", body: .init(text: note), actor: caller.actor)) }
            effects.log(entries, on: order.id)
        }.0
    }

    /// The parts arrived and work resumes on site: `started`.
    func resume(_ id: String, technicianID: String) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        return try await change(id, by: caller) { order, effects, _ in
            try transition(.resume, on: &order, change: now(caller), effects: &effects)
        }.0
    }

    /// The technician finished: `completed` with the work done, the parts used and (for the defect register) the
    /// cause found; the visit window and the technician's day are freed.
    func complete(_ id: String, technicianID: String, workDone: String, cause: String?, partsUsed: [PartLine]) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        let settings = parts.settings
        let (order, _) = try await change(id, by: caller) { order, effects, connection in
            let now = now(caller)
            try transition(.complete, on: &order, change: now, effects: &effects)
            order.completedAt = now.occurredAt
            order.workDone = workDone
            order.cause = cause.flatMap { $0.isEmpty ? nil : $0 }
            effects.log(
                partsUsed.map { .init(kind: "part_used", body: .init(part: $0.part, quantity: $0.quantity), actor: caller.actor) },
                on: order.id)
            try await AppointmentRepository(connection: connection, logger: parts.logger).end(of: order.id, state: "completed")
            effects.resolvedEscalations.append((order.id, [.caseClosed]))
            if let cause = order.cause {
                try await DefectRegisterService(parts: parts).record(
                    order, cause: cause, threshold: settings.registerThreshold, prefix: settings.registerCodePrefix, connection: connection)
            }
        }
        if let day = order.plannedDay { await parts.board.release(technicianID: technicianID, day: day) }
        return order
    }

    /// Notes, photo URLs or parts used, logged on an open order (no state change).
    func log(_ entries: [WorkOrderRepository.Entry], on id: String, technicianID: String) async throws -> WorkOrder {
        try await change(id, by: .technician(technicianID), assignedOnly: false) { order, effects, _ in
            try requireOpen(order, for: "add to")
            effects.log(entries, on: order.id)
        }.0
    }
}
