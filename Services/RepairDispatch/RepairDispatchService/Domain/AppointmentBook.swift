import CareLoopContracts

/// One work order's booked visit.
package struct Booking: Hashable, Sendable, Codable {
    /// Whether the visit is still expected.
    package enum State: String, Hashable, Sendable, Codable {
        case booked
        /// The owner was not there; the window no longer blocks the technician.
        case noShow = "no_show"
    }

    /// The work order visited.
    package var workOrderID: String
    /// The technician visiting.
    package var technicianID: String
    /// The window, `start..<end`.
    package var window: Appointment
    /// Booked or no-show.
    package var state: State
}

/// Why a booking change was refused.
package struct AppointmentBookError: Error, Hashable, Sendable {
    /// What went wrong.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let description: String
        /// The window overlaps another booking of the technician; pick another slot.
        package static let conflict = Code(description: "conflict")
        /// The window ends at or before it starts.
        package static let emptyWindow = Code(description: "empty_window")
        /// The work order already has a booking; reschedule it instead.
        package static let alreadyBooked = Code(description: "already_booked")
        /// The work order has no active booking.
        package static let notBooked = Code(description: "not_booked")
    }

    /// What went wrong.
    package var code: Code
    /// The work order whose booking is in the way, for `conflict` and `alreadyBooked`.
    package var conflictingWorkOrderID: String?
}

/// The technicians' booked visits: no double booking; windows are half-open, so back-to-back windows are allowed.
package struct AppointmentBook: Hashable, Sendable, Codable {
    /// Every booking, including no-shows, in booking order.
    package private(set) var bookings: [Booking] = []

    /// An empty book.
    package init() {}

    /// The active (not no-show) booking of `workOrderID`.
    package func booking(of workOrderID: String) -> Booking? {
        bookings.first { $0.workOrderID == workOrderID && $0.state == .booked }
    }

    /// Books `window` for `technicianID`; refused when it overlaps another active booking of the technician.
    package mutating func book(workOrderID: String, technicianID: String, window: Appointment)
        throws(AppointmentBookError)
    {
        if let existing = booking(of: workOrderID) {
            throw AppointmentBookError(code: .alreadyBooked, conflictingWorkOrderID: existing.workOrderID)
        }
        try checkFree(technicianID: technicianID, window: window, ignoring: nil)
        bookings.append(Booking(workOrderID: workOrderID, technicianID: technicianID, window: window, state: .booked))
    }

    /// Moves the work order's booking to `window` (optionally another technician), freeing the old window.
    package mutating func reschedule(workOrderID: String, to window: Appointment, technicianID: String? = nil)
        throws(AppointmentBookError)
    {
        guard let position = bookings.firstIndex(where: { $0.workOrderID == workOrderID && $0.state == .booked }) else {
            throw AppointmentBookError(code: .notBooked)
        }
        let technician = technicianID ?? bookings[position].technicianID
        try checkFree(technicianID: technician, window: window, ignoring: workOrderID)
        bookings[position].window = window
        bookings[position].technicianID = technician
    }

    /// Records that the owner was not there; the booking stays on record but no longer blocks the window.
    package mutating func markNoShow(workOrderID: String) throws(AppointmentBookError) {
        guard let position = bookings.firstIndex(where: { $0.workOrderID == workOrderID && $0.state == .booked }) else {
            throw AppointmentBookError(code: .notBooked)
        }
        bookings[position].state = .noShow
    }

    /// Whether `window` is free for `technicianID`.
    package func isFree(technicianID: String, window: Appointment) -> Bool {
        (try? checkFree(technicianID: technicianID, window: window, ignoring: nil)) != nil
    }

    private func checkFree(technicianID: String, window: Appointment, ignoring workOrderID: String?)
        throws(AppointmentBookError)
    {
        guard window.start < window.end else { throw AppointmentBookError(code: .emptyWindow) }
        for other in bookings
        where other.state == .booked && other.technicianID == technicianID && other.workOrderID != workOrderID
            && other.window.start < window.end && window.start < other.window.end
        {
            throw AppointmentBookError(code: .conflict, conflictingWorkOrderID: other.workOrderID)
        }
    }
}
