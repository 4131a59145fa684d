import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

extension WorkOrderCommands {
    /// The technician's visit windows on `day` (their working hours cut into `repairDispatch.slotMinutes` slots),
    /// each with whether it is still free; windows already begun are left out.
    func slots(_ id: String, technicianID: String, day: LocalDate) async throws -> [(window: Appointment, free: Bool)] {
        let details = try await self.details(id, for: .technician(technicianID))
        let logger = parts.logger
        let slotMinutes = parts.settings.slotMinutes
        let now = Timestamp(clock.now())
        let offset = clock.offsetSeconds(at: now.date) / 60
        return try await parts.database.withConnection { connection in
            guard let profile = try await RosterRepository(connection: connection, logger: logger).profile(technicianID) else {
                throw CommandError.notYours(details.order, technicianID)
            }
            let hours = profile.technician(defaultOffsetMinutes: offset).workingHours
            let windows = VisitSlot.windows(on: day, hours: hours, lengthMinutes: slotMinutes).filter { $0.start > now }
            guard let first = windows.first, let last = windows.last else { return [] }
            let book = try await AppointmentRepository(connection: connection, logger: logger)
                .book(of: technicianID, from: first.start.date, to: last.end.date)
            return windows.map { window in
                let mine = book.booking(of: id)?.window == window
                return (window, mine || book.isFree(technicianID: technicianID, window: window))
            }
        }
    }

    /// Books (or moves) the owner-chosen visit window starting at `start`: it must be one of the technician's
    /// windows and free. Bookings of one technician are checked and written under a lock on the technician's
    /// row with ``AppointmentBook``; a unique index backs it up. Out of warranty, the quote must be accepted.
    func schedule(_ id: String, technicianID: String, start: Timestamp) async throws -> WorkOrder {
        let caller = Caller.technician(technicianID)
        let slotMinutes = parts.settings.slotMinutes
        let board = parts.board
        let (order, move) = try await change(id, by: caller) { order, effects, connection in
            let now = now(caller)
            let previousDay = order.plannedDay
            let stateBefore = order.status
            try order.perform(.schedule)
            let appointments = AppointmentRepository(connection: connection, logger: parts.logger)
            guard try await appointments.lockTechnician(technicianID),
                let profile = try await RosterRepository(connection: connection, logger: parts.logger).profile(technicianID)
            else { throw CommandError.notYours(order, technicianID) }
            let hours = profile.technician(defaultOffsetMinutes: clock.offsetSeconds(at: start.date) / 60).workingHours
            let day = LocalDate(start, utcOffsetSeconds: hours.utcOffsetMinutes * 60)
            let windows = VisitSlot.windows(on: day, hours: hours, lengthMinutes: slotMinutes)
            guard let window = windows.first(where: { $0.start == start }) else {
                let offered = windows.map { String($0.start.rfc3339.dropFirst(11).prefix(5)) }.joined(separator: ", ")
                throw CommandError.invalid(
                    "start", .enum, "must start one of the technician's visit windows on \(day): \(offered.isEmpty ? "none" : offered)")
            }
            guard window.start > now.occurredAt else { throw CommandError.invalid("start", .order, "must be in the future") }
            var book = try await appointments.book(of: technicianID, from: window.start.date - 86_400, to: window.end.date + 86_400)
            do {
                if book.booking(of: order.id) != nil {
                    try book.reschedule(workOrderID: order.id, to: window)
                } else {
                    try book.book(workOrderID: order.id, technicianID: technicianID, window: window)
                }
            } catch {
                throw CommandError(
                    code: .slotTaken,
                    message: "the visit window \(window.start.rfc3339) is already booked for another work order; choose another",
                    currentState: stateBefore)
            }
            try await appointments.end(of: order.id, state: "moved")
            try await appointments.insert(workOrderID: order.id, technicianID: technicianID, window: window)
            order.appointment = window
            order.plannedDay = day
            try effects.announce(order, action: WorkOrderAction.schedule.rawValue, change: now)
            return (from: previousDay, to: day)
        }
        if move.from != move.to {
            if let from = move.from { await board.release(technicianID: technicianID, day: from) }
            await board.add(technicianID: technicianID, day: move.to)
        }
        return order
    }
}
