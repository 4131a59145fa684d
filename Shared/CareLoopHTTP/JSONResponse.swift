import CareLoopContracts
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON responses in CareLoop's canonical encoding (snake_case keys as declared, sorted, RFC 3339 times).
package enum JSONResponse {
    /// Encodes `value` as an `application/json` response.
    package static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try CareLoopJSON.canonical(value))))
    }
}
