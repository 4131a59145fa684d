import CareLoopContracts
import CareLoopHTTP
import CareLoopKafka
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import RepairDispatchService

/// An answer of the API: status, content type and the JSON object (empty when not JSON).
struct APIAnswer: Sendable {
    var status: HTTPResponse.Status
    var contentType: String?
    var text: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

extension TestClientProtocol {
    /// `method path` with `key` as bearer and `body` as JSON.
    func call(_ method: HTTPRequest.Method, _ path: String, key: String?, body: String? = nil) async throws -> APIAnswer {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            APIAnswer(status: response.status, contentType: response.headers[.contentType], text: String(buffer: response.body))
        }
    }
}

@Suite("Technician and staff API (HTTP, PostgreSQL)", .serialized, .timeLimit(.minutes(3)))
struct TechnicianAPITests {
    static let tomorrow8 = "2026-11-24T08:00:00+08:00"
    static let tomorrow10 = "2026-11-24T10:00:00+08:00"

    @Test("a technician's day: list, accept, contact, slots, book without double booking, no-show, start, log, parts, complete")
    func technicianDay() async throws {
        try await DispatchTestBed.with { bed in
            let first = routedCase(title: "Kitchen tap leaking")
            let second = routedCase(building: "7", title: "Toilet runs")
            try await bed.deliver([first, second])
            let one = try #require(try await bed.order(ofCase: first.caseID)).id
            let two = try #require(try await bed.order(ofCase: second.caseID)).id
            let plumber = try await bed.key(for: "TECH-P1")
            let electrician = try await bed.key(for: "TECH-E1")
            let base = "/v1/technician/work-orders"
            try await bed.application().test(.router) { client in
                let list = try await client.call(.get, base, key: plumber)
                #expect(list.status == .ok && list.json["day"] as? String == "2026-11-23")
                let listed = (list.json["work_orders"] as? [[String: Any]] ?? []).compactMap { $0["work_order_id"] as? String }
                #expect(Set(listed) == [one, two])
                #expect(try await client.call(.get, base, key: nil).status == .unauthorized)
                #expect(try await client.call(.get, "\(base)/\(one)", key: electrician).status == .forbidden)
                #expect(try await client.call(.get, base + "?day=24-11-2026", key: plumber).status == .badRequest)

                let accepted = try await client.call(.post, "\(base)/\(one)/accept", key: plumber)
                #expect(accepted.status == .ok && accepted.json["accepted_at"] != nil && accepted.json["status"] as? String == "assigned")
                let contacted = try await client.call(.post, "\(base)/\(one)/contact", key: plumber, body: #"{"note":"owner home after 8"}"#)
                #expect(contacted.status == .ok && contacted.json["status"] as? String == "contacted")
                #expect(contacted.json["contact_on_time"] as? Bool == true && contacted.json["contact_status"] as? String == "contacted_on_time")
                #expect(try await client.call(.post, "\(base)/\(two)/contact", key: plumber).status == .ok)

                let slots = try await client.call(.get, "\(base)/\(one)/slots?day=2026-11-24", key: plumber)
                let windows = slots.json["slots"] as? [[String: Any]] ?? []
                #expect(windows.compactMap { $0["start"] as? String } == [
                    "2026-11-24T08:00:00+08:00", "2026-11-24T10:00:00+08:00", "2026-11-24T12:00:00+08:00", "2026-11-24T14:00:00+08:00",
                    "2026-11-24T16:00:00+08:00",
                ])
                let booked = try await client.call(.post, "\(base)/\(one)/schedule", key: plumber, body: #"{"start":"\#(Self.tomorrow8)"}"#)
                #expect(booked.status == .ok && booked.json["status"] as? String == "scheduled")
                #expect((booked.json["appointment"] as? [String: Any])?["end"] as? String == "2026-11-24T10:00:00+08:00")
                #expect(booked.json["planned_day"] as? String == "2026-11-24")
                // The same window for another order: taken.
                let clash = try await client.call(.post, "\(base)/\(two)/schedule", key: plumber, body: #"{"start":"\#(Self.tomorrow8)"}"#)
                #expect(clash.status == .conflict && clash.contentType == "application/problem+json")
                #expect(clash.json["current_state"] as? String == "contacted")
                let free = try await client.call(.get, "\(base)/\(two)/slots?day=2026-11-24", key: plumber)
                #expect((free.json["slots"] as? [[String: Any]])?.first?["free"] as? Bool == false)
                let notAWindow = try await client.call(
                    .post, "\(base)/\(two)/schedule", key: plumber, body: #"{"start":"2026-11-24T08:30:00+08:00"}"#)
                #expect(notAWindow.status == .badRequest)
                #expect((notAWindow.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "start")
                // Rescheduling frees the window for the other order.
                #expect(try await client.call(.post, "\(base)/\(one)/schedule", key: plumber, body: #"{"start":"\#(Self.tomorrow10)"}"#).status == .ok)
                #expect(try await client.call(.post, "\(base)/\(two)/schedule", key: plumber, body: #"{"start":"\#(Self.tomorrow8)"}"#).status == .ok)
                let noShow = try await client.call(.post, "\(base)/\(two)/no-show", key: plumber)
                #expect(noShow.status == .ok && noShow.json["status"] as? String == "contacted" && noShow.json["appointment"] == nil)

                #expect(try await client.call(.post, "\(base)/\(one)/start", key: plumber).json["status"] as? String == "started")
                #expect(try await client.call(.post, "\(base)/\(one)/notes", key: plumber, body: #"{"text":"valve corroded"}"#).status == .ok)
                let photos = try await client.call(
                    .post, "\(base)/\(one)/photos", key: plumber, body: #"{"urls":["https://files.example.com/a.jpg","ftp://x"]}"#)
                #expect(photos.status == .badRequest && (photos.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "urls[1]")
                #expect(try await client.call(.post, "\(base)/\(one)/photos", key: plumber, body: #"{"urls":["https://files.example.com/a.jpg"]}"#).status == .ok)
                let waiting = try await client.call(
                    .post, "\(base)/\(one)/parts-waiting", key: plumber, body: #"{"parts":[{"part":"angle valve DN15","quantity":2}]}"#)
                #expect(waiting.json["status"] as? String == "parts_waiting")
                #expect(try await client.call(.post, "\(base)/\(one)/resume", key: plumber).json["status"] as? String == "started")
                let done = try await client.call(
                    .post, "\(base)/\(one)/complete", key: plumber,
                    body: #"{"work_done":"replaced both angle valves","cause":"corroded valve","parts_used":[{"part":"angle valve DN15","quantity":2}]}"#)
                #expect(done.status == .ok && done.json["status"] as? String == "completed" && done.json["cause"] as? String == "corroded valve")

                let details = try await client.call(.get, "\(base)/\(one)", key: plumber)
                let statuses = (details.json["history"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
                #expect(statuses == [
                    "opened", "assigned", "contacted", "scheduled", "scheduled", "started", "parts_waiting", "started", "completed",
                ])
                let kinds = (details.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
                #expect(kinds.sorted() == ["note", "note", "part_awaited", "part_used", "photo"])
            }
            let types = try await bed.events().filter { $0.workOrderID == one }.map(\.type)
            #expect(types.last == "careloop.workorder.completed" && types.count == 9)
            #expect(try await bed.count("SELECT count(*)::int FROM appointments WHERE state = 'booked'") == 0)
        }
    }

    /// The request that asks for `action` on `id`, with a valid body.
    static func request(for action: WorkOrderAction, id: String) -> (HTTPRequest.Method, String, String?, staff: Bool) {
        let technician = "/v1/technician/work-orders/\(id)"
        let staff = "/v1/work-orders/\(id)"
        switch action {
        case .assign: return (.post, "\(staff)/reassign", #"{"technician_id":"TECH-P1","reason":"test"}"#, true)
        case .contact: return (.post, "\(technician)/contact", nil, false)
        case .schedule: return (.post, "\(technician)/schedule", #"{"start":"\#(tomorrow8)"}"#, false)
        case .markNoShow: return (.post, "\(technician)/no-show", nil, false)
        case .start: return (.post, "\(technician)/start", nil, false)
        case .waitForParts: return (.post, "\(technician)/parts-waiting", #"{"parts":[{"part":"valve","quantity":1}]}"#, false)
        case .resume: return (.post, "\(technician)/resume", nil, false)
        case .complete: return (.post, "\(technician)/complete", #"{"work_done":"done"}"#, false)
        case .verify: return (.post, "\(staff)/verify", nil, true)
        case .reopen: return (.post, "\(staff)/reopen", #"{"reason":"owner unhappy"}"#, true)
        case .cancel: return (.post, "\(staff)/cancel", #"{"reason":"duplicate"}"#, true)
        }
    }

    @Test("every refused transition answers 409 problem+json naming the current state, and changes nothing")
    func illegalTransitions() async throws {
        try await DispatchTestBed.with { bed in
            let data = routedCase()
            let cancelled = routedCase(building: "7")
            try await bed.deliver([data, cancelled])
            let id = try #require(try await bed.order(ofCase: data.caseID)).id
            let cancelledID = try #require(try await bed.order(ofCase: cancelled.caseID)).id
            let keys = (technician: try await bed.key(for: "TECH-P1"), staff: try await bed.key(for: "STAFF-1", scopes: [.staff]))
            try await bed.application().test(.router) { client in
                func refusesIllegal(_ id: String, in state: WorkOrderStatus) async throws {
                    let allowed = Set(WorkOrderLifecycle.allowedActions(in: state))
                    for action in WorkOrderAction.allCases where !allowed.contains(action) {
                        let (method, path, body, staff) = Self.request(for: action, id: id)
                        let answer = try await client.call(method, path, key: staff ? keys.staff : keys.technician, body: body)
                        #expect(answer.status == .conflict, "\(action) in \(state): \(answer.status) \(answer.text)")
                        #expect(answer.contentType == "application/problem+json", "\(action) in \(state)")
                        #expect(answer.json["current_state"] as? String == state.rawValue, "\(action) in \(state): \(answer.text)")
                        #expect(answer.json["status"] as? Int == 409)
                    }
                    #expect(try await bed.order(id)?.status == state, "refusals change nothing")
                }
                func step(_ action: WorkOrderAction, to state: WorkOrderStatus) async throws {
                    let (method, path, body, staff) = Self.request(for: action, id: id)
                    let answer = try await client.call(method, path, key: staff ? keys.staff : keys.technician, body: body)
                    #expect(answer.json["status"] as? String == state.rawValue, "\(action): \(answer.text)")
                    try await refusesIllegal(id, in: state)
                }
                try await refusesIllegal(id, in: .assigned)
                try await step(.contact, to: .contacted)
                try await step(.schedule, to: .scheduled)
                try await step(.start, to: .started)
                try await step(.waitForParts, to: .partsWaiting)
                try await step(.resume, to: .started)
                try await step(.complete, to: .completed)
                try await step(.verify, to: .verified)
                let cancel = Self.request(for: .cancel, id: cancelledID)
                #expect(try await client.call(cancel.0, cancel.1, key: keys.staff, body: cancel.2).json["status"] as? String == "cancelled")
                try await refusesIllegal(cancelledID, in: .cancelled)
                // Reopened: placed again at once (the same plumber is free), so the order is assigned again.
                let reopen = Self.request(for: .reopen, id: id)
                let reopened = try await client.call(reopen.0, reopen.1, key: keys.staff, body: reopen.2)
                #expect(reopened.json["status"] as? String == "assigned" && reopened.json["technician_id"] as? String == "TECH-P1")
            }
            let statuses = try await bed.events().filter { $0.workOrderID == id }.compactMap(\.status)
            #expect(statuses.suffix(2) == ["reopened", "assigned"])
            #expect(try await bed.events().filter { $0.workOrderID == cancelledID }.last?.data["reason"] as? String == "duplicate")
        }
    }
}
