import CareLoopContracts
import CareLoopHTTP
import Hummingbird

/// Staff actions on work orders (`staff` scope, limited to the key's cities): `GET /v1/work-orders/{id}`,
/// `POST …/{id}/quote-acceptance`, `/verify`, `/reopen`, `/cancel`, `/reassign`.
struct StaffRoutes: Sendable {
    let commands: WorkOrderCommands

    /// `POST …/quote-acceptance`.
    struct QuoteAcceptance: Codable, Sendable {
        /// The accepted price, decimal text in the company's currency (e.g. `380.00`).
        var amount: String?

        func validate() -> [FieldError] {
            var validator = FieldValidator()
            if let amount, Double(amount) == nil || amount.count > 32 {
                validator.report("amount", .type, "must be a decimal number as text, e.g. 380.00")
            }
            return validator.errors
        }
    }

    /// `POST …/reopen` and `…/cancel`.
    struct Reason: Codable, Sendable {
        var reason: String

        func validate() -> [FieldError] {
            var validator = FieldValidator()
            validator.requireText(reason, at: "reason", maxLength: FieldLimits.reason)
            return validator.errors
        }
    }

    /// `POST …/reassign`.
    struct Reassignment: Codable, Sendable {
        /// The technician to send; absent: whoever the board picks next.
        var technicianID: String?
        var reason: String

        enum CodingKeys: String, CodingKey {
            case reason
            case technicianID = "technician_id"
        }

        func validate() -> [FieldError] {
            var validator = FieldValidator()
            validator.limitText(technicianID, at: "technician_id", maxLength: FieldLimits.identifier)
            validator.requireText(reason, at: "reason", maxLength: FieldLimits.reason)
            return validator.errors
        }
    }

    func add(to router: Router<APIRequestContext>) {
        let group = router.group("/v1/work-orders")
        group.get(":id") { request, context in
            try await act(request, context) { id, staff in try await commands.details(id, for: staff) }
        }
        group.post(":id/quote-acceptance") { request, context in
            var request = request
            let body = try await request.decodeBody(QuoteAcceptance.self, context: context) { $0.validate() }
            return try await act(request, context) { id, staff in try await commands.acceptQuote(id, staff: staff, amount: body.amount) }
        }
        group.post(":id/verify") { request, context in
            try await act(request, context) { id, staff in try await commands.verify(id, staff: staff) }
        }
        group.post(":id/reopen") { request, context in
            var request = request
            let body = try await request.decodeBody(Reason.self, context: context) { $0.validate() }
            return try await act(request, context) { id, staff in try await commands.reopen(id, staff: staff, reason: body.reason) }
        }
        group.post(":id/cancel") { request, context in
            var request = request
            let body = try await request.decodeBody(Reason.self, context: context) { $0.validate() }
            return try await act(request, context) { id, staff in try await commands.cancel(id, staff: staff, reason: body.reason) }
        }
        group.post(":id/reassign") { request, context in
            var request = request
            let body = try await request.decodeBody(Reassignment.self, context: context) { $0.validate() }
            return try await act(request, context) { id, staff in
                try await commands.reassign(id, staff: staff, to: body.technicianID, reason: body.reason)
            }
        }
    }

    private func act(
        _ request: Request, _ context: APIRequestContext, _ body: (String, WorkOrderCommands.Caller) async throws -> WorkOrder
    ) async throws -> Response {
        try await act(request, context) { id, caller in
            let order = try await body(id, caller)
            return try JSONResponse.make(WorkOrderView(order, now: Timestamp(commands.clock.now()), contactRule: commands.parts.settings.contactRule))
        }
    }

    private func act(
        _ request: Request, _ context: APIRequestContext, _ body: (String, WorkOrderCommands.Caller) async throws -> WorkOrderDetails
    ) async throws -> Response {
        try await act(request, context) { id, caller in
            let details = try await body(id, caller)
            let view = WorkOrderView(details.order, now: Timestamp(commands.clock.now()), contactRule: commands.parts.settings.contactRule)
            return try JSONResponse.make(WorkOrderDetailsView(view: view, details: details))
        }
    }

    private func act(
        _ request: Request, _ context: APIRequestContext, _ body: (String, WorkOrderCommands.Caller) async throws -> Response
    ) async throws -> Response {
        let client = try context.authorize(.staff)
        let id = try context.parameters.require("id")
        return try await answering { try await body(id, .staff(client.actor, cities: client.cities)) }
    }
}
