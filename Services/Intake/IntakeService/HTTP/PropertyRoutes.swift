import CareLoopContracts
import CareLoopHTTP
import CareLoopStorage
import Foundation
import Hummingbird
import Logging

/// `GET /v1/properties` (read) and `PUT /v1/properties` (admin): the property registry submissions are checked
/// against.
struct PropertyRoutes: Sendable {
    let database: Database
    let registry: LivePropertyRegistry
    let numbers: ReferenceNumbers

    func add(to router: Router<APIRequestContext>) {
        router.get("/v1/properties", use: list)
        router.put("/v1/properties", use: update)
    }

    /// Every city and project, sorted by code.
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.read)
        return try JSONResponse.make(try await registry.current().document)
    }

    /// Upserts the cities and projects of the body (a registry document; entries it does not name stay), then
    /// answers the whole registry. Takes effect here at once and on other replicas within `intake.propertyRefreshMs`.
    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.admin)
        try request.requireJSONContent()
        var request = request
        let body = try await request.collectBody(context: context)
        let document: PropertyDocument
        switch PropertyDocument.parse(json: body.readableBytesView) {
        case .success(let parsed): document = parsed
        case .failure(let errors): throw ProblemError.validation(errors.errors)
        }
        for city in document.cities where !client.covers(city: city.code) {
            throw ProblemError.forbidden("the API key '\(client.name)' does not cover city '\(city.code)'")
        }
        let stored = try await database.withTransaction { connection in
            let repository = PropertyRepository(connection: connection, logger: context.logger)
            try await repository.upsert(document)
            return try await repository.load()
        }
        try await numbers.prepare(ReferenceNumbers.keys(of: stored.cities, around: Date()), logger: context.logger)
        let updated = PropertyRegistry(stored)
        registry.replace(updated)
        context.logger.notice(
            "Property registry updated",
            metadata: ["cities": "\(document.cities.map(\.code))", "actor": "\(client.actor)"])
        return try JSONResponse.make(updated.document)
    }
}
