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

@Suite("HTTP API: reading cases, the property registry and owners", .timeLimit(.minutes(2)))
struct CaseReadAPITests {
    @Test("GET /v1/cases/{id}: the case, redacted texts, the owner by id with stage, and the timeline")
    func detail() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "crm", scopes: [.write, .read], cities: ["shenzhen"])
            let (_, wuhan) = try await bed.keys.create(name: "wuhan", scopes: [.read], cities: ["wuhan"])
            try await bed.application().test(.router) { client in
                let body = submissionJSON(extra: #","taker":"STAFF-42""#)
                    .replacingOccurrences(of: #""language":"zh-CN""#, with: #""move_in_date":"2026-01-10""#)
                var caseID = ""
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "d-1"), body: ByteBuffer(string: body)) {
                    caseID = json($0)["case_id"] as? String ?? ""
                }
                try await client.execute(uri: "/v1/cases/\(caseID)", method: .get, headers: headers(key)) { response in
                    #expect(response.status == .ok)
                    let detail = json(response)
                    #expect(detail["case_id"] as? String == caseID)
                    #expect(detail["status"] as? String == "registered")
                    #expect(detail["taker"] as? String == "STAFF-42")
                    #expect((detail["external_ref"] as? [String: String])?["id"] == "d-1")
                    #expect((detail["external_ref"] as? [String: String])?["source"]?.hasPrefix("api-key:") == true)
                    let owner = detail["owner"] as? [String: String]
                    #expect(owner?["id"] == "OWN-88231")
                    #expect(owner?["language"] == "zh-CN", "the city's language when the owner names none")
                    #expect(owner?["move_in_date"] == "2026-01-10")
                    #expect(owner?["lifecycle_stage"] != nil)
                    let text = String(buffer: response.body)
                    #expect(!text.contains("Li Wei") && !text.contains("13800138000"), "no name or phone: \(text)")
                    let timeline = detail["timeline"] as? [[String: Any]]
                    #expect(timeline?.count == 1)
                    #expect(timeline?.first?["entry"] as? String == "registered")
                    #expect(timeline?.first?["actor"] as? String == "STAFF-42")
                    #expect(timeline?.first?["channel"] as? String == "hotline")
                }
                try await client.execute(uri: "/v1/cases/\(caseID)", method: .get, headers: headers(wuhan)) {
                    #expect($0.status == .notFound, "a case outside the key's cities is not shown")
                }
                try await client.execute(uri: "/v1/cases/\(UUID().uuidString)", method: .get, headers: headers(key)) {
                    #expect($0.status == .notFound)
                    #expect($0.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/v1/cases/not-a-case", method: .get, headers: headers(key)) { #expect($0.status == .notFound) }
            }
        }
    }

    @Test("GET /v1/cases: filters, stable cursor pages in id order, the key's cities, every bad parameter at once")
    func list() async throws {
        try await IntakeTestBed.with { bed in
            let (_, writer) = try await bed.keys.create(name: "crm", scopes: [.write])
            let (_, reader) = try await bed.keys.create(name: "bi", scopes: [.read])
            let (_, shenzhenReader) = try await bed.keys.create(name: "sz", scopes: [.read], cities: ["shenzhen"])
            try await bed.application().test(.router) { client in
                let properties = [("shenzhen", "SZ-FSG"), ("wuhan", "WH-LKC"), ("shenzhen", "SZ-QHW")]
                for index in 0..<15 {
                    let (city, project) = properties[index % 3]
                    let body = submissionJSON(city: city, project: project, owner: "OWN-\(index % 2)")
                        .replacingOccurrences(of: #""kind":"repair""#, with: index % 5 == 0 ? #""kind":"complaint""# : #""kind":"repair""#)
                    try await client.execute(uri: "/v1/cases", method: .post, headers: headers(writer, idempotency: "l-\(index)"), body: ByteBuffer(string: body)) {
                        #expect($0.status == .created)
                    }
                }
                func page(_ query: String, key: String) async throws -> (ids: [String], next: String?, status: HTTPResponse.Status) {
                    try await client.execute(uri: "/v1/cases?\(query)", method: .get, headers: headers(key)) { response in
                        let body = json(response)
                        return (((body["items"] as? [[String: Any]]) ?? []).compactMap { $0["case_id"] as? String }, body["next_cursor"] as? String, response.status)
                    }
                }
                let all = try await page("limit=200", key: reader)
                #expect(all.ids.count == 15 && all.next == nil)
                #expect(all.ids == all.ids.sorted(), "id (registration) order")
                // Pages of 4 walk the same list exactly once.
                var walked: [String] = []
                var cursor: String?
                repeat {
                    let next = try await page("limit=4" + (cursor.map { "&cursor=\($0)" } ?? ""), key: reader)
                    walked += next.ids
                    cursor = next.next
                } while cursor != nil
                #expect(walked == all.ids)
                #expect(try await page("city=shenzhen&limit=200", key: reader).ids.count == 10)
                #expect(try await page("city=shenzhen&project=SZ-QHW", key: reader).ids.count == 5)
                #expect(try await page("kind=complaint", key: reader).ids.count == 3)
                #expect(try await page("owner_id=OWN-1", key: reader).ids.count == 7)
                #expect(try await page("status=registered", key: reader).ids.count == 15)
                #expect(try await page("status=closed", key: reader).ids.isEmpty)
                #expect(try await page("from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", key: reader).ids.count == 15)
                #expect(try await page("from=2100-01-01T00:00:00Z", key: reader).ids.isEmpty)
                #expect(try await page("limit=200", key: shenzhenReader).ids.count == 10, "a city-scoped key sees its cities only")
                #expect(try await page("city=wuhan", key: shenzhenReader).status == .forbidden)
                try await client.execute(uri: "/v1/cases?status=lost&kind=x&from=yesterday&limit=0&cursor=zzz&city=", method: .get, headers: headers(reader)) {
                    #expect($0.status == .badRequest)
                    #expect(fieldErrors($0) == ["status/enum", "kind/enum", "from/rfc3339", "limit/range", "cursor/type", "city/required"])
                }
                try await client.execute(uri: "/v1/cases", method: .get, headers: headers(writer)) { #expect($0.status == .forbidden) }
            }
        }
    }

    @Test("the property registry: read it; admins update it and unknown projects become known at once")
    func properties() async throws {
        try await IntakeTestBed.with { bed in
            let (_, admin) = try await bed.keys.create(name: "ops", scopes: [.admin, .read, .write])
            let (_, writer) = try await bed.keys.create(name: "crm", scopes: [.write, .read])
            try await bed.application().test(.router) { client in
                try await client.execute(uri: "/v1/properties", method: .get, headers: headers(writer)) { response in
                    #expect(response.status == .ok)
                    #expect(((json(response)["cities"] as? [Any]) ?? []).count >= 20)
                }
                let newProject = submissionJSON(city: "xiamen", project: "XM-NEW")
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(writer, idempotency: "p-1"), body: ByteBuffer(string: newProject)) {
                    #expect(fieldErrors($0) == ["property.project/unknown"])
                }
                let update = """
                    {"cities":[{"code":"xiamen","name":"厦门","reference_prefix":"XM","time_zone":"Asia/Shanghai","language":"zh-CN",
                      "projects":[{"code":"XM-NEW","name":"新苑"},{"code":"XM-WYW","name":"五缘湾","active":false}]}]}
                    """
                try await client.execute(uri: "/v1/properties", method: .put, headers: headers(writer), body: ByteBuffer(string: update)) {
                    #expect($0.status == .forbidden)
                }
                try await client.execute(uri: "/v1/properties", method: .put, headers: headers(admin), body: ByteBuffer(string: #"{"cities":[{"code":"x"}]}"#)) {
                    #expect($0.status == .badRequest)
                }
                try await client.execute(uri: "/v1/properties", method: .put, headers: headers(admin), body: ByteBuffer(string: update)) { response in
                    #expect(response.status == .ok)
                    let xiamen = ((json(response)["cities"] as? [[String: Any]]) ?? []).first { $0["code"] as? String == "xiamen" }
                    #expect((xiamen?["projects"] as? [[String: Any]])?.count == 3, "upserted: the seed's other project stays")
                }
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(writer, idempotency: "p-1"), body: ByteBuffer(string: newProject)) {
                    #expect($0.status == .created)
                }
                try await client.execute(
                    uri: "/v1/cases", method: .post, headers: headers(writer, idempotency: "p-2"),
                    body: ByteBuffer(string: submissionJSON(city: "xiamen", project: "XM-WYW"))
                ) { #expect(fieldErrors($0) == ["property.project/unknown"], "deactivated") }
            }
            // A restart applies the same seed again: the admin's changes stay.
            try await bed.parts.registrySync.load()
            let registry = try await bed.parts.registry.current()
            #expect(registry.validate(PropertyAddress(city: "xiamen", project: "XM-NEW")).isEmpty)
            #expect(!registry.validate(PropertyAddress(city: "xiamen", project: "XM-WYW")).isEmpty)
        }
    }

    @Test("GET /v1/owners?phone=: found through the keyed hash, however the number is written; masked")
    func ownerLookup() async throws {
        try await IntakeTestBed.with { bed in
            let (_, key) = try await bed.keys.create(name: "hotline", scopes: [.write, .read])
            try await bed.application().test(.router) { client in
                try await client.execute(uri: "/v1/cases", method: .post, headers: headers(key, idempotency: "o-1"), body: ByteBuffer(string: submissionJSON())) {
                    #expect($0.status == .created)
                }
                try await client.execute(uri: "/v1/owners?phone=%2B86%20138%200013%208000", method: .get, headers: headers(key)) { response in
                    #expect(response.status == .ok)
                    let owners = (json(response)["owners"] as? [[String: Any]]) ?? []
                    #expect(owners.count == 1)
                    #expect(owners.first?["owner_id"] as? String == "OWN-88231")
                    #expect(owners.first?["phone_masked"] as? String == "+86138****8000")
                    #expect(owners.first?["name_masked"] as? String == "L*****")
                    #expect(!String(buffer: response.body).contains("13800138000"))
                }
                try await client.execute(uri: "/v1/owners?phone=%2B8613900000000", method: .get, headers: headers(key)) {
                    #expect(($0.status, (json($0)["owners"] as? [Any])?.count) == (.ok, 0))
                }
                try await client.execute(uri: "/v1/owners?phone=12", method: .get, headers: headers(key)) {
                    #expect(fieldErrors($0) == ["phone/e164"])
                }
                try await client.execute(uri: "/v1/owners", method: .get, headers: headers(key)) { #expect(fieldErrors($0) == ["phone/required"]) }
            }
        }
    }
}
