import CareLoopContracts
import CareLoopHTTP
import CareLoopTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import IntakeService

/// `docs/openapi/intake.json` against the running API: every route served is documented and every documented route
/// is served; every documented status of every operation is produced by a real call, with the documented media type
/// and a body that satisfies the documented schema (required members, types, enumerations, formats).
@Suite("OpenAPI document vs the running intake API", .timeLimit(.minutes(2)))
struct OpenAPIConformanceTests {
    static let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi/intake.json")

    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: documentURL)) as? [String: Any])
    }

    /// `(METHOD, /path/{param})` of every documented operation, with its documented statuses.
    static func operations(_ document: [String: Any]) -> [String: Set<Int>] {
        var operations: [String: Set<Int>] = [:]
        for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for (method, operation) in item {
                let responses = (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:]
                operations["\(method.uppercased()) \(path)"] = Set(responses.keys.compactMap(Int.init))
            }
        }
        return operations
    }

    @Test("the document is OpenAPI 3.1 and every route the service serves is documented, and only those")
    func routesMatch() async throws {
        let document = try Self.document()
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let documented = Set(Self.operations(document).keys)
        try await IntakeTestBed.with { bed in
            let router = bed.parts.api.add(to: PublicAPI.makeRouter(keys: bed.keys, settings: APISettings(), service: "intake"))
            let served = Set(router.routes.map { route in
                let path = "/" + route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                    .joined(separator: "/")
                return "\(route.method.rawValue) \(path)"
            })
            #expect(served == documented)
        }
    }

    /// What a call answered.
    struct Answer {
        var status: Int
        var contentType: String?
        var headers: HTTPFields
        var body: Any?
    }

    @Test("every documented status of every operation, produced by a real call, matches the documented response")
    func responsesMatch() async throws {
        try await IntakeTestBed.with { bed in
            let (_, writer) = try await bed.keys.create(name: "crm", scopes: [.write])
            let (_, reader) = try await bed.keys.create(name: "bi", scopes: [.read])
            let (_, admin) = try await bed.keys.create(name: "ops", scopes: [.admin, .read, .write])
            let api = APISettings(maxBodyBytes: 64 * 1024, rateLimitPerSecond: 10_000, rateLimitBurstSeconds: 1)
            try await bed.application(api: api).test(.router) { client in
                let document = try Self.document()
                let checker = SchemaChecker(document: document)
                func call(
                    _ method: HTTPRequest.Method, _ uri: String, key: String?, idempotency: String? = nil, body: String? = nil,
                    contentType: String = "application/json"
                ) async throws -> Answer {
                    var fields: HTTPFields = [.contentType: contentType]
                    if let key { fields[.authorization] = "Bearer \(key)" }
                    if let idempotency { fields[CaseRoutes.idempotencyKey] = idempotency }
                    return try await client.execute(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) }) { response in
                        Answer(
                            status: Int(response.status.code), contentType: response.headers[.contentType], headers: response.headers,
                            body: try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
                    }
                }
                /// The second call of a fresh key allowed one request per 100 seconds.
                func limited(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws -> Answer {
                    let (_, key) = try await bed.keys.create(name: "slow", scopes: [.read, .write, .admin], ratePerSecond: 0.01)
                    _ = try await call(method, uri, key: key, idempotency: "slow", body: body)
                    return try await call(method, uri, key: key, idempotency: "slow", body: body)
                }
                let body = submissionJSON()
                let created = try await call(.post, "/v1/cases", key: writer, idempotency: "oa-1", body: body)
                let caseID = (created.body as? [String: Any])?["case_id"] as? String ?? ""
                let huge = submissionJSON(extra: #","note":"\#(String(repeating: "x", count: 70_000))""#)
                let registry = String(decoding: try CareLoopJSON.encode(try await bed.parts.registry.current().document), as: UTF8.self)
                let calls: [String: [Int: Answer]] = [
                    "POST /v1/cases": [
                        201: created,
                        200: try await call(.post, "/v1/cases", key: writer, idempotency: "oa-1", body: body),
                        400: try await call(.post, "/v1/cases", key: writer, body: "{}"),
                        401: try await call(.post, "/v1/cases", key: nil, idempotency: "oa-2", body: body),
                        403: try await call(.post, "/v1/cases", key: reader, idempotency: "oa-2", body: body),
                        409: try await call(.post, "/v1/cases", key: writer, idempotency: "oa-1", body: submissionJSON(project: "SZ-QHW")),
                        413: try await call(.post, "/v1/cases", key: writer, idempotency: "oa-3", body: huge),
                        415: try await call(.post, "/v1/cases", key: writer, idempotency: "oa-4", body: body, contentType: "text/plain"),
                        429: try await limited(.post, "/v1/cases", body: body),
                    ],
                    "GET /v1/cases": [
                        200: try await call(.get, "/v1/cases?city=shenzhen&limit=1", key: reader),
                        400: try await call(.get, "/v1/cases?limit=1000", key: reader),
                        401: try await call(.get, "/v1/cases", key: nil),
                        403: try await call(.get, "/v1/cases", key: writer),
                        429: try await limited(.get, "/v1/cases"),
                    ],
                    "GET /v1/cases/{id}": [
                        200: try await call(.get, "/v1/cases/\(caseID)", key: reader),
                        401: try await call(.get, "/v1/cases/\(caseID)", key: nil),
                        403: try await call(.get, "/v1/cases/\(caseID)", key: writer),
                        404: try await call(.get, "/v1/cases/\(UUID().uuidString)", key: reader),
                        429: try await limited(.get, "/v1/cases/\(caseID)"),
                    ],
                    "GET /v1/properties": [
                        200: try await call(.get, "/v1/properties", key: reader),
                        401: try await call(.get, "/v1/properties", key: nil),
                        403: try await call(.get, "/v1/properties", key: writer),
                        429: try await limited(.get, "/v1/properties"),
                    ],
                    "PUT /v1/properties": [
                        200: try await call(.put, "/v1/properties", key: admin, body: registry),
                        400: try await call(.put, "/v1/properties", key: admin, body: #"{"cities":"none"}"#),
                        401: try await call(.put, "/v1/properties", key: nil, body: registry),
                        403: try await call(.put, "/v1/properties", key: writer, body: registry),
                        413: try await call(.put, "/v1/properties", key: admin, body: huge),
                        415: try await call(.put, "/v1/properties", key: admin, body: registry, contentType: "application/xml"),
                        429: try await limited(.put, "/v1/properties", body: registry),
                    ],
                    "GET /v1/owners": [
                        200: try await call(.get, "/v1/owners?phone=%2B8613800138000", key: reader),
                        400: try await call(.get, "/v1/owners?phone=x", key: reader),
                        401: try await call(.get, "/v1/owners?phone=%2B8613800138000", key: nil),
                        403: try await call(.get, "/v1/owners?phone=%2B8613800138000", key: writer),
                        429: try await limited(.get, "/v1/owners?phone=%2B8613800138000"),
                    ],
                ]
                let documented = Self.operations(document)
                #expect(Set(calls.keys) == Set(documented.keys), "a call per documented operation")
                for (operation, statuses) in documented {
                    #expect(Set(calls[operation]?.keys.map { $0 } ?? []) == statuses, "\(operation): a call per documented status")
                    for (status, answer) in calls[operation] ?? [:] {
                        #expect(answer.status == status, "\(operation) → \(answer.status), expected \(status): \(String(describing: answer.body))")
                        let problems = checker.problems(answer, operation: operation, status: status)
                        #expect(problems.isEmpty, "\(operation) \(status): \(problems)")
                    }
                }
            }
        }
    }
}

/// Checks answers against the OpenAPI document: media type, documented headers, and the body against the schema.
struct SchemaChecker {
    let document: [String: Any]

    var schemas: [String: Any] { (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] }

    func problems(_ answer: OpenAPIConformanceTests.Answer, operation: String, status: Int) -> [String] {
        let parts = operation.split(separator: " ", maxSplits: 1).map(String.init)
        let paths = document["paths"] as? [String: Any]
        guard let item = paths?[parts[1]] as? [String: Any], let op = item[parts[0].lowercased()] as? [String: Any],
            let response = (op["responses"] as? [String: Any])?[String(status)] as? [String: Any]
        else { return ["status \(status) is not documented"] }
        var problems: [String] = []
        for (name, header) in response["headers"] as? [String: [String: Any]] ?? [:] where header["required"] as? Bool == true {
            if answer.headers[HTTPField.Name(name)!] == nil { problems.append("header \(name) missing") }
        }
        guard let content = response["content"] as? [String: [String: Any]] else { return problems }
        guard let mediaType = answer.contentType, let schema = content[mediaType]?["schema"] as? [String: Any] else {
            return problems + ["media type \(answer.contentType ?? "none") is not one of \(content.keys.sorted())"]
        }
        guard let body = answer.body else { return problems + ["no JSON body"] }
        return problems + check(body, against: schema, at: "$")
    }

    /// What `value` breaks of `schema` (a subset of JSON Schema: $ref, oneOf, type, required, properties, items,
    /// enum, format date-time/date/uuid, pattern, minimum/maximum).
    func check(_ value: Any, against schema: [String: Any], at path: String) -> [String] {
        if let reference = schema["$ref"] as? String {
            guard let target = schemas[String(reference.split(separator: "/").last ?? "")] as? [String: Any] else { return ["\(path): unresolved \(reference)"] }
            return check(value, against: target, at: path)
        }
        if let choices = schema["oneOf"] as? [[String: Any]] {
            let matching = choices.filter { check(value, against: $0, at: path).isEmpty }
            return matching.count == 1 ? [] : ["\(path): matches \(matching.count) of the oneOf schemas"]
        }
        var problems: [String] = []
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: { Self.has(value, type: $0) }) {
            return ["\(path): \(type(of: value)) is not \(types)"]
        }
        if let object = value as? [String: Any] {
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { problems.append("\(path).\(name): required, missing") }
            for (name, member) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                if let present = object[name] { problems += check(present, against: member, at: "\(path).\(name)") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { problems += check(element, against: items, at: "\(path)[\(index)]") }
        }
        if let text = value as? String {
            if let allowed = schema["enum"] as? [String], !allowed.contains(text) { problems.append("\(path): '\(text)' not in \(allowed)") }
            switch schema["format"] as? String {
            case "date-time"?: if (try? Timestamp(rfc3339: text)) == nil { problems.append("\(path): not RFC 3339") }
            case "date"?: if CivilDate(fullDate: text) == nil { problems.append("\(path): not a date") }
            case "uuid"?: if UUID(uuidString: text) == nil { problems.append("\(path): not a UUID") }
            default: break
            }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): '\(text)' does not match \(pattern)")
            }
        }
        if let number = value as? NSNumber, !(value is String) {
            if let minimum = schema["minimum"] as? NSNumber, number.doubleValue < minimum.doubleValue { problems.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"] as? NSNumber, number.doubleValue > maximum.doubleValue { problems.append("\(path): above \(maximum)") }
        }
        return problems
    }

    static func has(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "string": value is String
        case "integer": (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number", "boolean": value is NSNumber
        case "null": value is NSNull
        default: false
        }
    }
}
