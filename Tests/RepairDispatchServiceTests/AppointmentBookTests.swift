import CareLoopContracts
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("Visit slots and appointment book")
struct AppointmentBookTests {
    func window(_ start: String, _ end: String) throws -> Appointment {
        Appointment(start: try instant("2026-11-23T\(start):00+08:00"), end: try instant("2026-11-23T\(end):00+08:00"))
    }

    @Test("working hours are cut into 2-hour windows in local time; a short tail is dropped")
    func slots() throws {
        let slots = VisitSlot.windows(on: try day("2026-11-23"), hours: WorkingHours(startMinute: 8 * 60, endMinute: 17 * 60 + 30))
        #expect(slots == [try window("08:00", "10:00"), try window("10:00", "12:00"), try window("12:00", "14:00"), try window("14:00", "16:00")])
        #expect(slots.first?.start.description == "2026-11-23T08:00:00+08:00")
        #expect(VisitSlot.windows(on: try day("2026-11-23"), hours: WorkingHours(), lengthMinutes: 60).count == 10)
    }

    @Test("overlapping windows of one technician are rejected; adjacent ones and other technicians are fine")
    func conflicts() throws {
        var book = AppointmentBook()
        try book.book(workOrderID: "WO-1", technicianID: "T1", window: try window("10:00", "12:00"))
        #expect(throws: AppointmentBookError(code: .conflict, conflictingWorkOrderID: "WO-1")) {
            try book.book(workOrderID: "WO-2", technicianID: "T1", window: try window("11:00", "13:00"))
        }
        #expect(throws: AppointmentBookError(code: .conflict, conflictingWorkOrderID: "WO-1")) {
            try book.book(workOrderID: "WO-2", technicianID: "T1", window: try window("10:30", "11:00"))
        }
        try book.book(workOrderID: "WO-2", technicianID: "T1", window: try window("12:00", "14:00"))
        try book.book(workOrderID: "WO-3", technicianID: "T1", window: try window("08:00", "10:00"))
        try book.book(workOrderID: "WO-4", technicianID: "T2", window: try window("10:00", "12:00"))
        #expect(throws: AppointmentBookError(code: .alreadyBooked, conflictingWorkOrderID: "WO-4")) {
            try book.book(workOrderID: "WO-4", technicianID: "T3", window: try window("10:00", "12:00"))
        }
        #expect(throws: AppointmentBookError(code: .emptyWindow)) {
            try book.book(workOrderID: "WO-5", technicianID: "T1", window: try window("16:00", "16:00"))
        }
    }

    @Test("rescheduling frees the old window and checks the new one")
    func reschedule() throws {
        var book = AppointmentBook()
        try book.book(workOrderID: "WO-1", technicianID: "T1", window: try window("10:00", "12:00"))
        try book.book(workOrderID: "WO-2", technicianID: "T1", window: try window("14:00", "16:00"))
        #expect(throws: AppointmentBookError(code: .conflict, conflictingWorkOrderID: "WO-2")) {
            try book.reschedule(workOrderID: "WO-1", to: try window("15:00", "17:00"))
        }
        try book.reschedule(workOrderID: "WO-1", to: try window("11:00", "13:00"))
        #expect(book.booking(of: "WO-1")?.window == (try window("11:00", "13:00")))
        #expect(book.isFree(technicianID: "T1", window: try window("08:00", "11:00")))
        try book.book(workOrderID: "WO-3", technicianID: "T1", window: try window("09:00", "11:00"))
        #expect(throws: AppointmentBookError(code: .notBooked)) {
            try book.reschedule(workOrderID: "WO-9", to: try window("18:00", "19:00"))
        }
    }

    @Test("a no-show stays on record but frees the window")
    func noShow() throws {
        var book = AppointmentBook()
        try book.book(workOrderID: "WO-1", technicianID: "T1", window: try window("10:00", "12:00"))
        try book.markNoShow(workOrderID: "WO-1")
        #expect(book.bookings.map(\.state) == [.noShow])
        #expect(book.booking(of: "WO-1") == nil)
        try book.book(workOrderID: "WO-2", technicianID: "T1", window: try window("10:00", "12:00"))
        try book.book(workOrderID: "WO-1", technicianID: "T1", window: try window("14:00", "16:00"))
        #expect(throws: AppointmentBookError(code: .notBooked)) { try book.markNoShow(workOrderID: "WO-7") }
    }
}
