import CareLoopContracts
import CareLoopHTTP
import CareLoopStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `POST /v1/cases`, `GET /v1/cases/{id}` and `GET /v1/cases`.
struct CaseRoutes: Sendable {
    let database: Database
    let batcher: RegistrationBatcher
    let registry: LivePropertyRegistry
    let maxFutureSkew: Duration
    let now: @Sendable () -> Date

    /// The header that names a submission over HTTP, in place of `ce_id`.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let traceparent = HTTPField.Name("traceparent")!
    static let tracestate = HTTPField.Name("tracestate")!

    func add(to router: Router<APIRequestContext>) {
        router.post("/v1/cases", use: create)
        router.get("/v1/cases/:id", use: read)
        router.get("/v1/cases", use: list)
    }

    /// Registers the body (either form) under the caller's `Idempotency-Key`: `201` with the new case(s), `200`
    /// with the original ones for a repeat, `409` for a repeat with another body, `400` listing every failing
    /// field (header included), `403` without `write` on the property's city, `415` for a body not declared JSON.
    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.write)
        try request.requireJSONContent()
        var request = request
        let body = try await request.collectBody(context: context)
        let receivedAt = now()
        var errors: [FieldError] = []
        let key = request.headers[Self.idempotencyKey]
        if let key {
            if !Self.isValidIdempotencyKey(key) {
                errors.append(
                    FieldError(path: "Idempotency-Key", rule: .maxLength, message: "must be 1 to 128 visible ASCII characters"))
            }
        } else {
            errors.append(FieldError(path: "Idempotency-Key", rule: .required, message: "the header is required (it names the submission)"))
        }
        let registry = try await registry.current()
        let submission: IntakeSubmission?
        switch SubmissionIntake.check(body.readableBytesView, registry: registry, now: receivedAt, maxFutureSkew: maxFutureSkew) {
        case .success(let parsed): submission = parsed
        case .failure(let bodyErrors):
            submission = nil
            errors += bodyErrors.errors
        }
        guard let submission, let key, errors.isEmpty else { throw ProblemError.validation(errors) }
        try context.authorize(.write, city: submission.voices[0].property.city)
        let accepted = AcceptedSubmission(
            source: "api-key:\(client.id)", externalID: key, submission: submission,
            requestHash: try AcceptedSubmission.canonicalHash(of: submission), traceparent: request.headers[Self.traceparent], tracestate: request.headers[Self.tracestate])
        switch try await batcher.register(accepted) {
        case .created(let cases):
            return try Self.response(cases, batch: submission.isBatch, status: .created)
        case .repeated(let cases, sameRequest: true):
            return try Self.response(cases, batch: submission.isBatch, status: .ok)
        case .repeated(let cases, sameRequest: false):
            throw ProblemError.conflict(
                "the Idempotency-Key '\(key)' was used before with another body",
                extensions: ["case_id": cases.first.map { $0.caseID.uuidString.lowercased() } ?? ""])
        case .skipped:
            throw ProblemError(status: .internalServerError, title: "Internal error", detail: "the submission was neither new nor found")
        }
    }

    /// The case and its timeline; `404` for an unknown id or a case in a city the key does not cover.
    @Sendable func read(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.read)
        let id = try context.parameters.require("id")
        guard let caseID = UUID(uuidString: id) else { throw ProblemError.notFound("no case '\(id.prefix(64))'") }
        let detail = try await database.withConnection { connection in
            try await CaseReadRepository(connection: connection, logger: context.logger).detail(caseID: caseID, now: now())
        }
        guard let detail, client.covers(city: detail.property.city) else { throw ProblemError.notFound("no case '\(id)'") }
        return try JSONResponse.make(detail)
    }

    /// A page of cases matching the query's filters, in the key's cities; `403` for a city it does not cover.
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.read)
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where parameters[String(name)] == nil {
            parameters[String(name)] = String(value)
        }
        let query: CaseListQuery
        switch CaseListQuery.parse(parameters) {
        case .success(let parsed): query = parsed
        case .failure(let errors): throw ProblemError.validation(errors.errors)
        }
        if let city = query.city { try context.authorize(.read, city: city) }
        let page = try await database.withConnection { connection in
            try await CaseReadRepository(connection: connection, logger: context.logger).page(query, cities: client.cities.sorted())
        }
        return try JSONResponse.make(page)
    }

    /// 1–128 visible ASCII characters.
    static func isValidIdempotencyKey(_ key: String) -> Bool {
        (1...FieldLimits.externalIdentifier).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private static func response(_ cases: [RegisteredCase], batch: Bool, status: HTTPResponse.Status) throws -> Response {
        let created = cases.map { CaseCreatedResponse(caseID: $0.caseID.uuidString.lowercased(), reference: $0.reference) }
        if batch { return try JSONResponse.make(BatchCreatedResponse(cases: created), status: status) }
        guard let single = created.first else { throw ProblemError(status: .internalServerError, title: "Internal error") }
        return try JSONResponse.make(single, status: status, headers: [.location: "/v1/cases/\(single.caseID)"])
    }
}
