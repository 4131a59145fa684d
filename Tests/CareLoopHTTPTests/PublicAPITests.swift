import CareLoopContracts
import CareLoopHTTP
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(2)))
struct PublicAPITests {
    /// A router like a service's: one city-scoped write route and one read route.
    func makeApplication(keys: APIKeyStore, settings: APISettings = APISettings()) -> some ApplicationProtocol {
        let router = PublicAPI.makeRouter(keys: keys, settings: settings, service: "test")
        router.post("v1/things/:city") { request, context -> Response in
            let city = try context.parameters.require("city")
            let client = try context.authorize(.write, city: city)
            var request = request
            let body = try await request.collectBody(context: context)
            return try JSONResponse.make(["bytes": String(body.readableBytes), "actor": client.actor], status: .created)
        }
        router.get("v1/conflict") { _, context -> Response in
            try context.authorize(.read)
            throw ProblemError.conflict("the case is closed", extensions: ["current_state": "closed"])
        }
        return Application(router: router)
    }

    func withKeys(_ body: (APIKeyStore) async throws -> Void) async throws {
        try await PostgresTestCluster.withDatabase(prefix: "api_keys", migrations: [.platform, APIKeyStore.migrations]) { database in
            try await body(APIKeyStore(database: database, cacheTTL: .zero))
        }
    }

    func problem(_ response: TestResponse) -> [String: Any] {
        #expect(response.headers[.contentType] == "application/problem+json")
        return (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
    }

    @Test func keysAreCheckedScopedAndRevocable() async throws {
        try await withKeys { keys in
            let (_, writer) = try await keys.create(name: "crm", scopes: [.read, .write], cities: ["shenzhen"], subject: "S-7")
            let (reader, readOnly) = try await keys.create(name: "bi", scopes: [.read])
            try await makeApplication(keys: keys).test(.router) { client in
                try await client.execute(uri: "/v1/things/shenzhen", method: .post, headers: [.authorization: "Bearer \(writer)"], body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .created)
                    let body = (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: String]
                    #expect(body == ["actor": "S-7", "bytes": "2"])
                }
                try await client.execute(uri: "/v1/things/shenzhen", method: .post) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] != nil)
                    #expect(problem(response)["status"] as? Int == 401)
                }
                try await client.execute(uri: "/v1/things/shenzhen", method: .post, headers: [.authorization: "Bearer clk_abcdefghijkl_" + String(repeating: "x", count: 43)]) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/v1/things/wuhan", method: .post, headers: [.authorization: "Bearer \(writer)"]) { response in
                    #expect(response.status == .forbidden)
                    #expect((problem(response)["detail"] as? String)?.contains("wuhan") == true)
                }
                try await client.execute(uri: "/v1/things/shenzhen", method: .post, headers: [HTTPField.Name("X-API-Key")!: readOnly]) { response in
                    #expect(response.status == .forbidden)
                    #expect((problem(response)["detail"] as? String)?.contains("'write'") == true)
                }
                try await client.execute(uri: "/v1/conflict", method: .get, headers: [.authorization: "Bearer \(readOnly)"]) { response in
                    #expect(response.status == .conflict)
                    #expect(problem(response)["current_state"] as? String == "closed")
                }
                #expect(try await keys.revoke(id: reader.id))
                #expect(try await !keys.revoke(id: reader.id))
                try await client.execute(uri: "/v1/conflict", method: .get, headers: [.authorization: "Bearer \(readOnly)"]) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/v1/nowhere", method: .get, headers: [.authorization: "Bearer \(writer)"]) { response in
                    #expect(response.status == .notFound)
                    #expect(problem(response)["status"] as? Int == 404)
                }
            }
            let listed = try await keys.list()
            #expect(listed.count == 2)
            #expect(listed.first { $0.client.id == reader.id }?.revokedAt != nil)
        }
    }

    @Test func oversizeBodiesAnswer413AndTheRateLimitAnswers429WithRetryAfter() async throws {
        try await withKeys { keys in
            let (_, roomy) = try await keys.create(name: "crm", scopes: [.write])
            // One request per 100 s: the second request is refused however slow the machine is.
            let (_, slow) = try await keys.create(name: "slow", scopes: [.write], ratePerSecond: 0.01)
            let settings = APISettings(maxBodyBytes: 2048, rateLimitPerSecond: 100, rateLimitBurstSeconds: 1)
            try await makeApplication(keys: keys, settings: settings).test(.router) { client in
                let headers: HTTPFields = [.authorization: "Bearer \(roomy)"]
                try await client.execute(uri: "/v1/things/x", method: .post, headers: headers, body: ByteBuffer(repeating: 0x41, count: 4096)) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(problem(response)["status"] as? Int == 413)
                }
                try await client.execute(uri: "/v1/things/x", method: .post, headers: headers, body: ByteBuffer(repeating: 0x41, count: 1000)) { response in
                    #expect(response.status == .created)
                }
                let slowHeaders: HTTPFields = [.authorization: "Bearer \(slow)"]
                try await client.execute(uri: "/v1/things/x", method: .post, headers: slowHeaders) { response in
                    #expect(response.status == .created)
                }
                try await client.execute(uri: "/v1/things/x", method: .post, headers: slowHeaders) { response in
                    #expect(response.status == .tooManyRequests)
                    let retryAfter = response.headers[.retryAfter].flatMap(Int.init) ?? 0
                    #expect(retryAfter > 1 && retryAfter <= 100)
                    #expect(problem(response)["status"] as? Int == 429)
                }
            }
        }
    }
}
