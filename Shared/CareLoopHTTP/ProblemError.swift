import CareLoopContracts
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered as RFC 9457 `application/problem+json`.
package struct ProblemError: HTTPResponseError, CustomStringConvertible {
    /// The problem document sent.
    package var problem: ProblemDetails
    /// Extra top-level members of the document, e.g. `current_state` on a 409.
    package var extensions: [String: String]
    /// Extra response headers, e.g. `Retry-After`.
    package var headers: HTTPFields

    /// Makes a problem error.
    package init(
        status: HTTPResponse.Status, title: String, detail: String? = nil, type: String = "about:blank", errors: [FieldError] = [],
        extensions: [String: String] = [:], headers: HTTPFields = [:]
    ) {
        self.problem = ProblemDetails(type: type, title: title, status: status.code, detail: detail, errors: errors)
        self.extensions = extensions
        self.headers = headers
    }

    /// The HTTP status.
    package var status: HTTPResponse.Status { HTTPResponse.Status(code: problem.status) }

    package var description: String { "\(problem.status) \(problem.title): \(problem.detail ?? "")" }

    /// `400`: the body or query is malformed or breaks field rules; lists every failing field.
    package static func validation(_ errors: [FieldError]) -> ProblemError {
        let malformed = errors.contains { $0.rule == .json }
        return ProblemError(
            status: .badRequest, title: malformed ? "The body is not valid JSON" : "The request breaks field rules",
            detail: "\(errors.count) field error(s); see errors", type: ProblemDetails.validationType, errors: errors)
    }

    /// `401`: no key, an unknown key or a revoked key.
    package static func unauthorized(_ detail: String) -> ProblemError {
        ProblemError(
            status: .unauthorized, title: "Authentication required", detail: detail, type: "urn:careloop:problem:unauthorized",
            headers: [.wwwAuthenticate: "Bearer realm=\"careloop\""])
    }

    /// `403`: the key lacks the scope or the city.
    package static func forbidden(_ detail: String) -> ProblemError {
        ProblemError(status: .forbidden, title: "Not allowed for this API key", detail: detail, type: "urn:careloop:problem:forbidden")
    }

    /// `404`.
    package static func notFound(_ detail: String) -> ProblemError {
        ProblemError(status: .notFound, title: "Not found", detail: detail)
    }

    /// `409`: the request conflicts with the resource's state (named in `extensions`, e.g. `current_state`).
    package static func conflict(_ detail: String, extensions: [String: String] = [:]) -> ProblemError {
        ProblemError(status: .conflict, title: "Conflict", detail: detail, type: "urn:careloop:problem:conflict", extensions: extensions)
    }

    /// `413`: the body is larger than the limit.
    package static func tooLarge(limit: Int) -> ProblemError {
        ProblemError(
            status: .contentTooLarge, title: "Request body too large", detail: "the body exceeds \(limit) bytes",
            errors: [FieldError(path: "$", rule: .maxLength, message: "the body exceeds \(limit) bytes")])
    }

    /// `429`: the key's rate limit is used up; retry after `retryAfterSeconds`.
    package static func tooManyRequests(retryAfterSeconds: Int) -> ProblemError {
        ProblemError(
            status: .tooManyRequests, title: "Too many requests", detail: "rate limit exceeded; retry after \(retryAfterSeconds) s",
            headers: [.retryAfter: String(retryAfterSeconds)])
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var object = try JSONSerialization.jsonObject(with: Data(CareLoopJSON.canonical(problem))) as? [String: Any] ?? [:]
        if object["instance"] == nil { object["instance"] = request.uri.path }
        for (key, value) in extensions { object[key] = value }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        var headers = headers
        headers[.contentType] = ProblemDetails.mediaType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
