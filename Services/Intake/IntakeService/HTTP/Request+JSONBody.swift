import CareLoopContracts
import CareLoopHTTP
import Foundation
import Hummingbird

extension Request {
    /// Throws `415` unless the body is declared `application/json` (parameters such as `charset=utf-8` allowed).
    func requireJSONContent() throws {
        let declared = headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard declared == CareLoopJSON.mediaType else {
            throw ProblemError(
                status: .unsupportedMediaType, title: "Unsupported media type",
                detail: "the body must be sent as Content-Type: application/json, not \(declared ?? "nothing")",
                errors: [FieldError(path: "Content-Type", rule: .enum, message: "must be application/json")])
        }
    }
}
