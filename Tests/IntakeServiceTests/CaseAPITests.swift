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

/// A JSON body of a test response.
func json(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
}

/// `path/rule` of every field error of a problem response.
func fieldErrors(_ response: TestResponse) -> Set<String> {
    Set(((json(response)["errors"] as? [[String: Any]]) ?? []).map { "\($0["path"] ?? "")/\($0["rule"] ?? "")" })
}

/// Request headers with an API key, JSON content and, when given, an Idempotency-Key.
func headers(_ key: String, idempotency: String? = nil) -> HTTPFields {
    var fields: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
    if let idempotency { fields[CaseRoutes.idempotencyKey] = idempotency }
    return fields
}

@Suite("HTTP API: POST /v1/cases", .timeLimit(.minutes(2)))
struct CaseCreationAPITests {
    @Test("201 with {case_id, reference}; the same key again is 200 with the same body; another body is 409")
    func idempotency() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "crm", scopes: [.write, .read], cities: ["shenzhen"])
            try await bed.application().test(.router) { client in
                let body = submissionJSON()
                var created: [String: Any] = [:]
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "req-1"), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .created)
                    #expect(response.headers[.contentType] == "application/json")
                    created = json(response)
                    #expect(Set(created.keys) == ["case_id", "reference"])
                    #expect((created["reference"] as? String)?.wholeMatch(of: /SZ-\d{4}-\d{6}/) != nil)
                    #expect(response.headers[.location] == "/v1/cases/\(created["case_id"] as? String ?? "")")
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "req-1"), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    #expect(json(response) as NSDictionary == created as NSDictionary)
                }
                // Same key, body rewritten with other whitespace and key order: the same submission.
                let reordered = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(body.utf8)), options: [.sortedKeys])
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "req-1"), body: ByteBuffer(bytes: Array(reordered))) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(
                    uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "req-1"),
                    body: ByteBuffer(string: submissionJSON(project: "SZ-QHW"))
                ) { response in
                    #expect(response.status == .conflict)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(json(response)["status"] as? Int == 409)
                }
                #expect(try await bed.count("SELECT count(*) FROM cases") == 1)
                #expect(try await bed.count("SELECT count(*) FROM outbox") == 1)
            }
        }
    }

    @Test("the same key sent concurrently registers one case; every answer carries it")
    func concurrentDuplicates() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "crm", scopes: [.write])
            try await bed.application().test(.router) { client in
                let body = submissionJSON()
                let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            try await client.execute(
                                uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "burst"), body: ByteBuffer(string: body)
                            ) { response in (Int(response.status.code), json(response)["case_id"] as? String ?? "") }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.filter { $0.0 == 201 }.count == 1, "\(answers)")
                #expect(answers.allSatisfy { $0.0 == 200 || $0.0 == 201 }, "\(answers)")
                #expect(answers.filter { $0.0 == 200 }.count == 11, "\(answers)")
                #expect(Set(answers.map(\.1)).count == 1)
                #expect(try await bed.count("SELECT count(*) FROM cases") == 1)
            }
        }
    }

    @Test("idempotency keys are per API client")
    func keysPerClient() async throws {
        try await IntakeTestBed.with { bed in
            let (_, first) = try await bed.keys.create(name: "crm", scopes: [.write])
            let (_, second) = try await bed.keys.create(name: "app", scopes: [.write])
            try await bed.application().test(.router) { client in
                for key in [first, second] {
                    try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "k"), body: ByteBuffer(string: submissionJSON())) {
                        #expect($0.status == .created)
                    }
                }
            }
            #expect(try await bed.count("SELECT count(DISTINCT source) FROM cases") == 2)
        }
    }

    @Test("400 problem+json listing every failing field: header, body rules, unknown project; malformed JSON is one error at $")
    func badRequests() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "crm", scopes: [.write])
            try await bed.application().test(.router) { client in
                let bad = """
                    {"kind":"gossip","channel":"hotline","submitted_at":"\(Timestamp(Date().addingTimeInterval(3600)).rfc3339)",
                     "owner":{"id":"OWN-1","phone":"+86 138"},"property":{"city":"shenzhen","project":"SZ-NOPE"},"description":""}
                    """
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key), body: ByteBuffer(string: bad)) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = json(response)
                    #expect(problem["type"] as? String == "urn:careloop:problem:validation")
                    #expect(problem["status"] as? Int == 400)
                    #expect(problem["instance"] as? String == "/v1/cases")
                    #expect(
                        fieldErrors(response) == [
                            "Idempotency-Key/required", "kind/enum", "submitted_at/not_in_future", "owner.phone/e164", "description/required",
                            "property.project/unknown",
                        ])
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "m"), body: ByteBuffer(string: #"{"kind": "repair""#)) {
                    #expect($0.status == .badRequest)
                    #expect(fieldErrors($0) == ["$/json"])
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "a"), body: ByteBuffer(string: "[]")) {
                    #expect($0.status == .badRequest)
                    #expect(fieldErrors($0) == ["$/type"])
                }
                try await client.execute(
                    uri: "/v1/cases", method: .post, headers: headers(key, idempotency: String(repeating: "k", count: 129)),
                    body: ByteBuffer(string: submissionJSON())
                ) {
                    #expect($0.status == .badRequest)
                    #expect(fieldErrors($0) == ["Idempotency-Key/max_length"])
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "u"), body: ByteBuffer(string: submissionJSON(city: "gotham"))) {
                    #expect($0.status == .badRequest)
                    #expect(fieldErrors($0) == ["property.city/unknown"])
                }
            }
            #expect(try await bed.count("SELECT count(*) FROM cases") == 0)
        }
    }

    @Test("wrong headers: a body not declared JSON is 415; JSON with a charset is fine")
    func contentType() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "crm", scopes: [.write])
            try await bed.application().test(.router) { client in
                let body = ByteBuffer(string: submissionJSON())
                for declared in ["text/plain", "application/x-www-form-urlencoded", nil] as [String?] {
                    var fields = headers(key, idempotency: "ct")
                    fields[.contentType] = declared
                    try await client.execute(uri: "/v1/cases", method: .post, headers: fields, body: body) {
                        #expect($0.status == .unsupportedMediaType, "\(declared ?? "no content type")")
                        #expect($0.headers[.contentType] == "application/problem+json")
                    }
                }
                var fields = headers(key, idempotency: "ct")
                fields[.contentType] = "Application/JSON; charset=utf-8"
                try await client.execute(uri: "/v1/cases", method: .post, headers: fields, body: body) { #expect($0.status == .created) }
            }
        }
    }

    @Test("401 without or with an unknown or revoked key; 403 without write or outside the key's cities")
    func access() async throws {
        try await IntakeTestBed.with { bed in
            let (_, reader) = try await bed.keys.create(name: "bi", scopes: [.read])
            let (wuhanClient, wuhan) = try await bed.keys.create(name: "wuhan-desk", scopes: [.write], cities: ["wuhan"])
            try await bed.application().test(.router) { client in
                let body = ByteBuffer(string: submissionJSON())
                try await client.execute(uri: "/v1/cases", method: .post, headers: [.contentType: "application/json"], body: body) {
                    #expect($0.status == .unauthorized)
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers("clk_nope", idempotency: "1"), body: body) {
                    #expect($0.status == .unauthorized)
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(reader, idempotency: "1"), body: body) {
                    #expect($0.status == .forbidden)
                    #expect(json($0)["status"] as? Int == 403)
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(wuhan, idempotency: "1"), body: body) {
                    #expect($0.status == .forbidden)
                    #expect((json($0)["detail"] as? String)?.contains("shenzhen") == true)
                }
                try await client.execute(
                    uri: "/v1/cases", method: .post, headers: headers(wuhan, idempotency: "2"),
                    body: ByteBuffer(string: submissionJSON(city: "wuhan", project: "WH-LKC"))
                ) { #expect($0.status == .created) }
                #expect(try await bed.keys.revoke(id: wuhanClient.id))
                try await client.execute(
                    uri: "/v1/cases", method: .post, headers: headers(wuhan, idempotency: "3"),
                    body: ByteBuffer(string: submissionJSON(city: "wuhan", project: "WH-LKC"))
                ) { #expect($0.status == .unauthorized) }
            }
        }
    }

    @Test("413 for a body over the limit, 429 with Retry-After beyond the key's rate")
    func limits() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "crm", scopes: [.write], ratePerSecond: 0.01)
            let (_, other) = try await bed.keys.create(name: "app", scopes: [.write])
            let api = APISettings(maxBodyBytes: 16 * 1024, rateLimitPerSecond: 100, rateLimitBurstSeconds: 1)
            try await bed.application(api: api).test(.router) { client in
                let huge = submissionJSON(extra: #","note":"\#(String(repeating: "x", count: 20_000))""#)
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(other, idempotency: "big"), body: ByteBuffer(string: huge)) {
                    #expect($0.status == .contentTooLarge)
                    #expect($0.headers[.contentType] == "application/problem+json")
                    #expect(json($0)["status"] as? Int == 413)
                }
                // One request per 100 s for this key: the second is refused.
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "ok"), body: ByteBuffer(string: submissionJSON())) {
                    #expect($0.status == .created)
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "fast"), body: ByteBuffer(string: submissionJSON())) {
                    #expect($0.status == .tooManyRequests)
                    #expect(Int($0.headers[.retryAfter] ?? "") ?? 0 >= 1)
                    #expect($0.headers[.contentType] == "application/problem+json")
                }
            }
            #expect(try await bed.count("SELECT count(*) FROM cases") == 1)
        }
    }

    @Test("a batch of 100 defects: 201 with 100 cases, atomically; the same key again: 200 with the same cases")
    func defectBatch() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "tablet", scopes: [.write, .read])
            try await bed.application().test(.router) { client in
                let body = defectBatchJSON(count: 100)
                var first: [[String: String]] = []
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "unit-1203"), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .created)
                    first = (json(response)["cases"] as? [[String: String]]) ?? []
                }
                #expect(first.count == 100)
                #expect(Set(first.compactMap { $0["reference"] }).count == 100)
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "unit-1203"), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    #expect((json(response)["cases"] as? [[String: String]]) ?? [] == first)
                }
                try await client.execute(uri: "/v1/cases?inspection_batch=DELIVERY-2026-11-SZ-FSG-B12&limit=200", method: .get, headers: headers(key)) { response in
                    #expect(response.status == .ok)
                    #expect((json(response)["items"] as? [[String: Any]])?.count == 100)
                }
            }
            #expect(try await bed.count("SELECT count(*) FROM cases") == 100)
            #expect(try await bed.count("SELECT count(*) FROM outbox") == 100)
        }
    }
}
