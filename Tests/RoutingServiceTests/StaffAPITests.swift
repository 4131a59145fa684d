import CareLoopContracts
import CareLoopHTTP
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import RoutingService

@Suite("Staff API", .timeLimit(.minutes(2)))
struct StaffAPITests {
    /// A routed case in a fresh schema with API keys, and the staff API over it.
    func withAPI(_ body: @escaping @Sendable (_ client: any TestClientProtocol, _ keys: APIKeyStore, _ caseID: String, _ database: Database) async throws -> Void) async throws {
        try await PostgresTestCluster.withDatabase(
            prefix: "routing_api",
            migrations: [.platform, APIKeyStore.migrations, MigrationSet(component: "routing", migrations: RoutingMigrations.all)]
        ) { database in
            let book = try RoutingDatabase.ruleBook()
            let data = RoutingFixtures.registered(
                title: "Corridor light broken", description: "dark", kind: .complaint, categoryHint: "property.facilities", at: Date())
            let handler = CaseRegisteredHandler(ruleBook: book, eventSource: RoutingDatabase.source, replica: "test/1")
            _ = try await RoutingDatabase.apply(handler, [try RoutingDatabase.registered(data)], database: database)
            let keys = APIKeyStore(database: database, cacheTTL: .zero)
            let router = PublicAPI.makeRouter(keys: keys, settings: APISettings(), service: "routing")
            StaffRoutes(database: database, ruleBook: book, eventSource: RoutingDatabase.source, logger: RoutingDatabase.logger).add(to: router)
            try await Application(router: router).test(.router) { client in
                try await body(client, keys, data.caseID, database)
            }
        }
    }

    func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
    }

    func post(_ client: some TestClientProtocol, _ path: String, key: String, body: String = "") async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(
            uri: path, method: .post, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { response in (response.status, json(response)) }
    }

    @Test("a legal action answers the case, records who and when, and publishes its event; GET shows the timeline")
    func legalAction() async throws {
        try await withAPI { client, keys, caseID, database in
            let (_, key) = try await keys.create(name: "care-desk", scopes: [.staff], cities: ["shenzhen"], subject: "STAFF-42")
            let (status, body) = try await post(client, "/v1/routing/cases/\(caseID)/acknowledge", key: key)
            #expect(status == .ok)
            let routing = body["routing"] as? [String: Any]
            #expect(routing?["state"] as? String == "acknowledged")
            #expect(routing?["assignee"] as? String == "STAFF-42")
            #expect((body["case"] as? [String: Any])?["status"] as? String == "acknowledged")

            let (paused, _) = try await post(client, "/v1/routing/cases/\(caseID)/wait-on-owner", key: key, body: #"{"reason":"owner abroad"}"#)
            #expect(paused == .ok)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 0, "clock paused")

            let types = try await RoutingDatabase.outbox(database).map(\.type)
            #expect(types == ["careloop.case.routed", "careloop.case.assigned", "careloop.case.assigned"])
            let actors = try await RoutingDatabase.outbox(database).map(\.data.actor)
            #expect(actors.suffix(2) == ["STAFF-42", "STAFF-42"])

            try await client.execute(uri: "/v1/routing/cases/\(caseID)", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                #expect(response.status == .ok)
                let timeline = json(response)["timeline"] as? [[String: Any]] ?? []
                #expect(timeline.map { $0["action"] as? String } == ["routed", "acknowledged", "waiting_on_owner"])
                #expect(timeline.map { $0["actor"] as? String } == ["system", "STAFF-42", "STAFF-42"])
                #expect(timeline.allSatisfy { ($0["at"] as? String)?.hasSuffix("Z") == true })
                #expect(timeline.last?["details"] as? [String: String] == ["reason": "owner abroad"])
            }
        }
    }

    @Test("an illegal transition answers 409 problem+json naming the current state; nothing is published")
    func illegalTransition() async throws {
        try await withAPI { client, keys, caseID, database in
            let (_, key) = try await keys.create(name: "care-desk", scopes: [.staff], cities: ["shenzhen"], subject: "STAFF-42")
            try await client.execute(
                uri: "/v1/routing/cases/\(caseID)/close", method: .post, headers: [.authorization: "Bearer \(key)"],
                body: ByteBuffer(string: #"{"reason":"owner unreachable"}"#)
            ) { response in
                #expect(response.status == .conflict)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = json(response)
                #expect(problem["current_state"] as? String == "routed")
                #expect(problem["status"] as? Int == 409)
            }
            let (missingReason, problem) = try await post(client, "/v1/routing/cases/\(caseID)/change-severity", key: key, body: #"{"severity":"major"}"#)
            #expect(missingReason == .badRequest)
            #expect((problem["errors"] as? [[String: Any]])?.first?["path"] as? String == "reason")
            let (unknownAction, _) = try await post(client, "/v1/routing/cases/\(caseID)/teleport", key: key)
            #expect(unknownAction == .notFound)
            #expect(try await RoutingDatabase.outbox(database).map(\.type) == ["careloop.case.routed"])
        }
    }

    @Test("a key without the staff scope, or for another city, is refused with 403")
    func wrongScope() async throws {
        try await withAPI { client, keys, caseID, database in
            let (_, writer) = try await keys.create(name: "crm", scopes: [.read, .write], cities: ["shenzhen"])
            let (_, wuhanStaff) = try await keys.create(name: "wh-desk", scopes: [.staff], cities: ["wuhan"])
            for key in [writer, wuhanStaff] {
                let (status, problem) = try await post(client, "/v1/routing/cases/\(caseID)/acknowledge", key: key)
                #expect(status == .forbidden)
                #expect(problem["status"] as? Int == 403)
                try await client.execute(uri: "/v1/routing/cases/\(caseID)", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                    #expect(response.status == .forbidden)
                }
            }
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE status = 'routed'", database) == 1)
        }
    }
}
