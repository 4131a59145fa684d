import CareLoopContracts
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// Turns every error into `application/problem+json`: ``ProblemError`` as it is, Hummingbird's HTTP errors
/// (unknown route, bad method …) with their status, anything else as a logged `500` without internals.
package struct ProblemMiddleware: RouterMiddleware {
    package typealias Context = APIRequestContext

    package init() {}

    package func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemError {
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let problem = ProblemError(status: error.status, title: error.status.reasonPhrase, detail: "\(request.method) \(request.uri.path)")
            return try problem.response(from: request, context: context)
        } catch {
            context.logger.error("Request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            let problem = ProblemError(status: .internalServerError, title: "Internal error", detail: "the request could not be completed; it is safe to retry")
            return try problem.response(from: request, context: context)
        }
    }
}

/// Authenticates every request by its API key (`Authorization: Bearer <key>` or `X-API-Key`), applies the
/// key's rate limit, and rejects a declared body larger than the limit before reading it.
package struct APIKeyMiddleware: RouterMiddleware {
    package typealias Context = APIRequestContext

    let keys: APIKeyStore
    let limiter: RateLimiter
    let settings: APISettings
    let service: String

    /// A middleware over `keys` with `settings`' limits; `service` labels its metrics.
    package init(keys: APIKeyStore, settings: APISettings, service: String) {
        self.keys = keys
        self.settings = settings
        self.limiter = RateLimiter(defaultRate: settings.rateLimitPerSecond, burstSeconds: settings.rateLimitBurstSeconds)
        self.service = service
    }

    package func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.maxBodyBytes = settings.maxBodyBytes
        guard let text = Self.presentedKey(request.headers) else {
            reject("missing_key")
            throw ProblemError.unauthorized("an API key is required (Authorization: Bearer <key>)")
        }
        guard let client = try await keys.authenticate(text) else {
            reject("invalid_key")
            throw ProblemError.unauthorized("the API key is unknown or revoked")
        }
        context.client = client
        context.logger[metadataKey: "api_key"] = "\(client.id)"
        if let retryAfter = limiter.acquire(key: client.id, rate: client.ratePerSecond) {
            reject("rate_limited")
            throw ProblemError.tooManyRequests(retryAfterSeconds: retryAfter)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.maxBodyBytes {
            reject("too_large")
            throw ProblemError.tooLarge(limit: settings.maxBodyBytes)
        }
        return try await next(request, context)
    }

    private func reject(_ reason: String) {
        Counter(label: "careloop_http_rejected_requests_total", dimensions: [("service", service), ("reason", reason)]).increment()
    }

    /// The key text from `Authorization: Bearer …` or `X-API-Key`.
    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        if let name = HTTPField.Name("X-API-Key"), let key = headers[name] { return key.trimmingCharacters(in: .whitespaces) }
        return nil
    }
}

/// Counts requests by route and status and observes their duration (seconds).
package struct RequestMetricsMiddleware: RouterMiddleware {
    package typealias Context = APIRequestContext
    let service: String

    package init(service: String) { self.service = service }

    package func handle(
        _ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        let dimensions = [("service", service), ("method", request.method.rawValue), ("route", route), ("status", String(response.status.code))]
        Counter(label: "careloop_http_requests_total", dimensions: dimensions).increment()
        Timer(label: "careloop_http_request_duration_seconds", dimensions: Array(dimensions.prefix(3)), preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64((ContinuousClock.now - start).wholeNanoseconds))
        return response
    }
}

/// The router of a service's public API with CareLoop's standard middleware installed.
package enum PublicAPI {
    /// Problem+json errors, request metrics, API-key authentication, rate limit and body limit; add routes to it.
    package static func makeRouter(keys: APIKeyStore, settings: APISettings, service: String) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(service: service))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: APIKeyMiddleware(keys: keys, settings: settings, service: service))
        return router
    }
}
