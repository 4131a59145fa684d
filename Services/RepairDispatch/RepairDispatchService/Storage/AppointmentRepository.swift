import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Repair dispatch's SQL for booked visits, run inside the caller's transaction.
struct AppointmentRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Locks the technician's roster row, so bookings of one technician are checked and written one at a time.
    /// Returns whether the technician exists.
    func lockTechnician(_ technicianID: String) async throws -> Bool {
        try await connection.queryValue(
            "SELECT true FROM technicians WHERE technician_id = \(technicianID) FOR UPDATE", as: Bool.self, logger: logger)
            ?? false
    }

    /// The technician's active bookings overlapping `from..<to`, as an ``AppointmentBook``.
    func book(of technicianID: String, from: Date, to: Date) async throws -> AppointmentBook {
        let rows = try await connection.query(
            """
            SELECT work_order_id::text, starts_at, ends_at FROM appointments
            WHERE technician_id = \(technicianID) AND state = 'booked' AND starts_at < \(to) AND ends_at > \(from)
            ORDER BY starts_at
            """, logger: logger)
        var book = AppointmentBook()
        for try await (order, start, end) in rows.decode((String, Date, Date).self) {
            // Stored bookings never overlap (they passed this check when made), so this cannot fail.
            try? book.book(
                workOrderID: order, technicianID: technicianID,
                window: Appointment(start: Timestamp(start), end: Timestamp(end)))
        }
        return book
    }

    /// Ends the order's active booking with `state` (`no_show`, `moved` or `cancelled`).
    func end(of workOrderID: String, state: String) async throws {
        guard let uuid = UUID(uuidString: workOrderID) else { return }
        try await connection.query(
            "UPDATE appointments SET state = \(state) WHERE work_order_id = \(uuid) AND state = 'booked'", logger: logger)
    }

    /// Inserts an active booking. The unique indexes refuse a second active booking of the order or of the
    /// technician at the same start (a concurrent double booking): that error reaches the caller.
    func insert(workOrderID: String, technicianID: String, window: Appointment) async throws {
        guard let uuid = UUID(uuidString: workOrderID) else { return }
        try await connection.query(
            """
            INSERT INTO appointments (work_order_id, technician_id, starts_at, ends_at, state)
            VALUES (\(uuid), \(technicianID), \(window.start.date), \(window.end.date), 'booked')
            """, logger: logger)
    }
}
