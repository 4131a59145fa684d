import CareLoopContracts
import CareLoopHTTP
import Hummingbird

extension Request {
    /// Decodes the JSON body as `T` (CareLoop's strict decoding), then `validate`s it: a `400` problem listing
    /// the failing fields otherwise. An empty body decodes as `{}`.
    mutating func decodeBody<T: Decodable>(
        _ type: T.Type, context: APIRequestContext, validate: (T) -> [FieldError] = { _ in [] }
    ) async throws -> T {
        let buffer = try await collectBody(context: context)
        let bytes = buffer.readableBytes == 0 ? Array("{}".utf8) : Array(buffer.readableBytesView)
        let value: T
        do {
            value = try CareLoopJSON.decode(T.self, from: bytes)
        } catch let error as DecodingError {
            throw ProblemError.validation([error.fieldError])
        } catch {
            throw ProblemError.validation([FieldError(path: FieldPath.root, rule: .json, message: "must be a JSON object")])
        }
        let errors = validate(value)
        guard errors.isEmpty else { throw ProblemError.validation(errors) }
        return value
    }
}

extension ProblemError {
    /// The problem for a refused work-order request: 404, 403, 409 (with `current_state`) or 400.
    init(_ error: CommandError) {
        switch error.code {
        case .notFound: self = .notFound(error.message)
        case .notYours: self = .forbidden(error.message)
        case .invalid: self = .validation(error.fieldErrors)
        default:
            self = .conflict(error.message, extensions: error.currentState.map { ["current_state": $0.rawValue] } ?? [:])
        }
    }

    /// The 409 for a state-machine refusal, naming the current state and the refused action.
    init(_ error: IllegalTransition) {
        self = .conflict(
            error.description,
            extensions: ["current_state": error.current.rawValue, "action": error.action.rawValue, "reason": error.code.description])
    }
}

/// Runs a work-order request, turning refusals into problems.
func answering(_ body: () async throws -> Response) async throws -> Response {
    do {
        return try await body()
    } catch let error as CommandError {
        throw ProblemError(error)
    } catch let error as IllegalTransition {
        throw ProblemError(error)
    }
}
