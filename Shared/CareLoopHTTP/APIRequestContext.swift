import Hummingbird
import Logging
import NIOCore

/// The request context of CareLoop's public APIs: who is calling (set by ``APIKeyMiddleware``) and the body limit.
package struct APIRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The authenticated caller; `nil` only before authentication ran.
    package var client: APIClient?
    /// The largest request body accepted, in bytes (set from settings by ``APIKeyMiddleware``).
    package var maxBodyBytes: Int = 1024 * 1024

    package init(source: Source) {
        self.coreContext = .init(source: source)
    }

    package var maxUploadSize: Int { maxBodyBytes }

    /// The caller when its key holds `scope` and covers `city` (when given); otherwise throws `401`/`403`.
    @discardableResult
    package func authorize(_ scope: APIScope, city: String? = nil) throws(ProblemError) -> APIClient {
        guard let client else { throw .unauthorized("an API key is required (Authorization: Bearer <key>)") }
        guard client.scopes.contains(scope) else {
            throw .forbidden("the API key '\(client.name)' lacks the '\(scope.rawValue)' scope")
        }
        if let city, !client.covers(city: city) {
            throw .forbidden("the API key '\(client.name)' does not cover city '\(city)'")
        }
        return client
    }
}

extension Request {
    /// The whole body, up to the context's limit; a larger body is a `413` problem.
    package mutating func collectBody(context: APIRequestContext) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: context.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw ProblemError.tooLarge(limit: context.maxBodyBytes)
        }
    }
}
