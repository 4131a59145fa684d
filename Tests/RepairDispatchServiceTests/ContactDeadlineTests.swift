import CareLoopContracts
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("24-hour contact rule")
struct ContactDeadlineTests {
    @Test("contact-by is 24 h after the request, with a warning at 75 %")
    func defaults() throws {
        let deadline = ContactDeadline(requestedAt: try instant("2026-11-22T09:30:00Z"))
        #expect(deadline.contactBy == (try instant("2026-11-23T09:30:00Z")))
        #expect(deadline.warnings == [try instant("2026-11-23T03:30:00Z")])
        #expect(deadline.status(at: try instant("2026-11-23T03:29:59Z")) == .onTrack)
        #expect(deadline.status(at: try instant("2026-11-23T03:30:00Z")) == .warning(level: 1))
        #expect(deadline.status(at: try instant("2026-11-23T09:30:00Z")) == .warning(level: 1))
        #expect(deadline.status(at: try instant("2026-11-23T09:30:01Z")) == .breached)
    }

    @Test("a contact freezes the clock: on time up to contact-by inclusive, late after")
    func contacted() throws {
        let deadline = ContactDeadline(requestedAt: try instant("2026-11-22T09:30:00Z"))
        let later = try instant("2026-11-30T00:00:00Z")
        #expect(deadline.status(at: later, contactedAt: try instant("2026-11-23T09:30:00Z")) == .onTrack)
        #expect(deadline.status(at: later, contactedAt: try instant("2026-11-23T09:30:01Z")) == .breached)
    }

    @Test("window and warnings are configurable")
    func configured() throws {
        let deadline = ContactDeadline(
            requestedAt: try instant("2026-11-22T00:00:00Z"),
            configuration: .init(windowSeconds: 12 * 3600, warningFractions: [0.9, 0.5]))
        #expect(deadline.contactBy == (try instant("2026-11-22T12:00:00Z")))
        #expect(deadline.warnings == [try instant("2026-11-22T06:00:00Z"), try instant("2026-11-22T10:48:00Z")])
        #expect(deadline.status(at: try instant("2026-11-22T11:00:00Z")) == .warning(level: 2))
    }
}
