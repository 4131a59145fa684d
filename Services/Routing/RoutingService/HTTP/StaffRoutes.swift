import CareLoopContracts
import CareLoopHTTP
import CareLoopStorage
import Foundation
import Hummingbird
import Logging

/// The staff API on routing's public port (API keys with the `staff` scope covering the case's city):
///
/// - `GET /v1/routing/cases/{id}`: the case with its routing timeline and escalations;
/// - `POST /v1/routing/cases/{id}/{action}`: `acknowledge`, `start`, `reassign`, `change-category`,
///   `change-severity`, `wait-on-owner`, `resume`, `resolve`, `close`, `reopen`, `validity`, with a JSON body
///   (see ``StaffActionRequest``). Answers the case view; `409` problem+json with `current_state` when the case's
///   state does not allow the action; every action publishes its case event through the outbox.
struct StaffRoutes {
    let database: Database
    let ruleBook: RuleBook
    let eventSource: String
    let logger: Logger

    /// Adds the routes to `router`.
    func add(to router: Router<APIRequestContext>) {
        router.get("v1/routing/cases/:id") { _, context in
            try await show(context: context)
        }
        router.post("v1/routing/cases/:id/:action") { request, context in
            var request = request
            return try await act(request: &request, context: context)
        }
    }

    private func caseID(_ context: APIRequestContext) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw ProblemError.notFound("no case \(text)") }
        return id
    }

    private func show(context: APIRequestContext) async throws -> Response {
        try context.authorize(.staff)
        let id = try caseID(context)
        let logger = logger
        let view = try await database.withConnection { connection -> CaseView in
            guard let record = try await CaseStore.read(id, connection: connection, logger: logger) else {
                throw ProblemError.notFound("no case \(id.uuidString.lowercased())")
            }
            try context.authorize(.staff, city: record.data.property.city)
            return try await CaseViewStore.view(of: record, connection: connection, logger: logger)
        }
        return try JSONResponse.make(view)
    }

    private func act(request: inout Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.staff)
        let id = try caseID(context)
        let name = try context.parameters.require("action")
        let body = try await request.collectBody(context: context)
        let parsed: StaffActionRequest
        if body.readableBytes == 0 {
            parsed = StaffActionRequest()
        } else {
            do {
                parsed = try JSONDecoder().decode(StaffActionRequest.self, from: Data(body.readableBytesView))
            } catch let error as DecodingError {
                throw ProblemError.validation([error.fieldError])
            }
        }
        guard let outcome = parsed.action(named: name) else {
            throw ProblemError.notFound("no staff action '\(name)'; actions: \(StaffActionRequest.actionNames.joined(separator: ", "))")
        }
        let action: StaffAction
        switch outcome {
        case .success(let value): action = value
        case .failure(let errors): throw ProblemError.validation(errors.errors)
        }
        let rules = await ruleBook.rules
        let (eventSource, logger) = (eventSource, logger)
        let now = Date()
        let view = try await database.withTransaction { connection -> CaseView in
            guard var record = try await CaseStore.lock([id], connection: connection, logger: logger).first else {
                throw ProblemError.notFound("no case \(id.uuidString.lowercased())")
            }
            try context.authorize(.staff, city: record.data.property.city)
            do {
                try record.perform(action, by: client.actor, at: now, rules: rules.context(for: record), routing: rules)
            } catch let error as StaffActionError {
                switch error {
                case .refused(let refusal):
                    throw ProblemError.conflict(refusal.description, extensions: ["current_state": refusal.state.rawValue, "action": refusal.action])
                case .invalid(let field, let message):
                    throw ProblemError.validation([FieldError(path: field, rule: .enum, message: message)])
                }
            }
            try await CaseStore.save([record], now: now, eventSource: eventSource, connection: connection, logger: logger)
            return try await CaseViewStore.view(of: record, connection: connection, logger: logger)
        }
        logger.info(
            "Staff action applied",
            metadata: ["case_id": "\(id.uuidString.lowercased())", "action": "\(name)", "actor": "\(client.actor)", "state": "\(view.routing.state)"])
        return try JSONResponse.make(view)
    }
}
