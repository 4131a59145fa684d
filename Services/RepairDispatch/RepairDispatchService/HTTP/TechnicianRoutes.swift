import CareLoopContracts
import CareLoopHTTP
import Hummingbird

/// The technician API (`technician` scope): a key's `subject` (else its name) is the technician or crew id.
///
/// `GET /v1/technician/work-orders?day=` (today by default), `GET …/{id}`, `POST …/{id}/accept`, `/decline`,
/// `/contact`, `GET …/{id}/slots?day=`, `POST …/{id}/schedule`, `/no-show`, `/start`, `/notes`, `/photos`,
/// `/parts-used`, `/parts-waiting`, `/resume`, `/complete`. Refused state changes answer 409 problem+json with
/// `current_state`.
struct TechnicianRoutes: Sendable {
    let commands: WorkOrderCommands

    func add(to router: Router<APIRequestContext>) {
        let group = router.group("/v1/technician/work-orders")
        group.get(use: today)
        group.get(":id", use: show)
        group.get(":id/slots", use: slots)
        group.post(":id/accept") { request, context in
            try await act(request, context) { id, me in try await commands.accept(id, technicianID: me) }
        }
        group.post(":id/decline") { request, context in
            var request = request
            let body = try await request.decodeBody(DeclineRequest.self, context: context) { $0.validate() }
            return try await act(request, context) { id, me in try await commands.decline(id, technicianID: me, reason: body.reason) }
        }
        group.post(":id/contact", use: contact)
        group.post(":id/schedule") { request, context in
            var request = request
            let body = try await request.decodeBody(ScheduleRequest.self, context: context)
            return try await act(request, context) { id, me in try await commands.schedule(id, technicianID: me, start: body.start) }
        }
        group.post(":id/no-show") { request, context in
            try await act(request, context) { id, me in try await commands.markNoShow(id, technicianID: me) }
        }
        group.post(":id/start") { request, context in
            try await act(request, context) { id, me in try await commands.start(id, technicianID: me) }
        }
        group.post(":id/resume") { request, context in
            try await act(request, context) { id, me in try await commands.resume(id, technicianID: me) }
        }
        group.post(":id/notes") { request, context in
            var request = request
            let body = try await request.decodeBody(NoteRequest.self, context: context) { $0.validate() }
            return try await act(request, context) { id, me in
                try await commands.log([.init(kind: "note", body: .init(text: body.text), actor: me)], on: id, technicianID: me)
            }
        }
        group.post(":id/photos") { request, context in
            var request = request
            let body = try await request.decodeBody(PhotosRequest.self, context: context) { $0.validate() }
            return try await act(request, context) { id, me in
                try await commands.log(body.urls.map { .init(kind: "photo", body: .init(url: $0), actor: me) }, on: id, technicianID: me)
            }
        }
        group.post(":id/parts-used") { request, context in
            var request = request
            let body = try await request.decodeBody(PartsRequest.self, context: context) { $0.validate() }
            return try await act(request, context) { id, me in
                try await commands.log(
                    body.parts.map { .init(kind: "part_used", body: .init(part: $0.part, quantity: $0.quantity), actor: me) }, on: id,
                    technicianID: me)
            }
        }
        group.post(":id/parts-waiting") { request, context in
            var request = request
            let body = try await request.decodeBody(PartsRequest.self, context: context) { $0.validate() }
            return try await act(request, context) { id, me in
                try await commands.waitForParts(id, technicianID: me, parts: body.parts, note: body.note)
            }
        }
        group.post(":id/complete") { request, context in
            var request = request
            let body = try await request.decodeBody(CompleteRequest.self, context: context) { $0.validate() }
            return try await act(request, context) { id, me in
                try await commands.complete(id, technicianID: me, workDone: body.workDone, cause: body.cause, partsUsed: body.partsUsed ?? [])
            }
        }
    }

    /// The calling technician's id.
    static func technicianID(_ context: APIRequestContext) throws -> String {
        let client = try context.authorize(.technician)
        return client.subject ?? client.name
    }

    /// Runs a change on `{id}` as the calling technician and answers the order.
    private func act(
        _ request: Request, _ context: APIRequestContext, _ body: (String, String) async throws -> WorkOrder
    ) async throws -> Response {
        let me = try Self.technicianID(context)
        let id = try context.parameters.require("id")
        return try await answering {
            let order = try await body(id, me)
            return try JSONResponse.make(view(order))
        }
    }

    private func view(_ order: WorkOrder) -> WorkOrderView {
        WorkOrderView(order, now: Timestamp(commands.clock.now()), contactRule: commands.parts.settings.contactRule)
    }

    /// My open orders for the day (`?day=YYYY-MM-DD`, default today), overdue ones included.
    @Sendable func today(_ request: Request, context: APIRequestContext) async throws -> Response {
        let me = try Self.technicianID(context)
        let day = try Self.day(request, default: commands.clock.today())
        let orders = try await commands.ordersToday(of: me, day: day)
        return try JSONResponse.make(WorkOrderList(day: day, workOrders: orders.map(view)))
    }

    /// One of my orders with its history, assignments and logged entries.
    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let me = try Self.technicianID(context)
        let id = try context.parameters.require("id")
        return try await answering {
            let details = try await commands.details(id, for: .technician(me))
            return try JSONResponse.make(WorkOrderDetailsView(view: view(details.order), details: details))
        }
    }

    /// My visit windows on `?day=` (default today) for this order, free or taken.
    @Sendable func slots(_ request: Request, context: APIRequestContext) async throws -> Response {
        let me = try Self.technicianID(context)
        let id = try context.parameters.require("id")
        let day = try Self.day(request, default: commands.clock.today())
        return try await answering {
            let slots = try await commands.slots(id, technicianID: me, day: day)
            return try JSONResponse.make(SlotList(day: day, slots: slots.map { SlotList.Slot(start: $0.window.start, end: $0.window.end, free: $0.free) }))
        }
    }

    /// Logs the contact with the owner; the answer says whether it was within the 24-hour rule.
    @Sendable func contact(_ request: Request, context: APIRequestContext) async throws -> Response {
        var request = request
        let body = try await request.decodeBody(ContactRequest.self, context: context) { $0.validate() }
        let me = try Self.technicianID(context)
        let id = try context.parameters.require("id")
        return try await answering {
            let (order, onTime) = try await commands.logContact(id, technicianID: me, note: body.note)
            return try JSONResponse.make(ContactAnswer(view: view(order), onTime: onTime))
        }
    }

    /// `?day=YYYY-MM-DD`, or `fallback`.
    static func day(_ request: Request, default fallback: LocalDate) throws -> LocalDate {
        guard let text = request.uri.queryParameters.get("day") else { return fallback }
        guard let day = LocalDate(text) else {
            throw ProblemError.validation([FieldError(path: "day", rule: .date, message: "must be a calendar date YYYY-MM-DD")])
        }
        return day
    }
}

/// Visit windows of a day.
struct SlotList: Encodable, Sendable {
    struct Slot: Encodable, Sendable {
        var start: Timestamp
        var end: Timestamp
        var free: Bool
    }

    var day: LocalDate
    var slots: [Slot]
}

/// The answer to a logged contact.
struct ContactAnswer: Encodable, Sendable {
    var view: WorkOrderView
    var onTime: Bool

    enum CodingKeys: String, CodingKey {
        case onTime = "contact_on_time"
    }

    func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(onTime, forKey: .onTime)
    }
}
