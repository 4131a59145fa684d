import CareLoopContracts
import Foundation
import Testing

@testable import RoutingService

@Suite("Staff action requests")
struct StaffActionRequestTests {
    func parse(_ name: String, _ json: String = "{}") throws -> Result<StaffAction, ValidationErrors>? {
        try JSONDecoder().decode(StaffActionRequest.self, from: Data(json.utf8)).action(named: name)
    }

    @Test(
        "each action reads its members",
        arguments: [
            ("acknowledge", "{}", StaffAction.acknowledge),
            ("reassign", #"{"department":"engineering"}"#, .reassign(department: .engineering, assignee: nil, reason: nil)),
            ("reassign", #"{"assignee":"STAFF-9","reason":"on leave"}"#, .reassign(department: nil, assignee: "STAFF-9", reason: "on leave")),
            ("change-category", #"{"category":"engineering.doors","reason":"door, not window"}"#,
                .changeCategory(category: "engineering.doors", reason: "door, not window")),
            ("change-severity", #"{"severity":"major","reason":"media"}"#, .changeSeverity(severity: .major, reason: "media")),
            ("wait-on-owner", "{}", .waitOnOwner(reason: nil)),
            ("resume", "{}", .resume),
            ("resolve", #"{"reason":"fixed"}"#, .resolve(reason: "fixed")),
            ("close", #"{"reason":"owner abroad"}"#, .close(reason: "owner abroad")),
            ("reopen", #"{"reason":"still leaks"}"#, .reopen(reason: "still leaks")),
            ("validity", #"{"valid":false,"reason":"neighbour's factory"}"#, .setValidity(isValid: false, reason: "neighbour's factory")),
        ])
    func reads(name: String, json: String, expected: StaffAction) throws {
        #expect(try parse(name, json) == .success(expected))
    }

    @Test(
        "missing or unusable members are field errors, all at once",
        arguments: [
            ("close", "{}", ["reason"]),
            ("reopen", #"{"reason":"   "}"#, ["reason"]),
            ("change-category", "{}", ["category", "reason"]),
            ("change-severity", #"{"severity":"group_incident","reason":"r"}"#, ["severity"]),
            ("reassign", #"{"reason":"r"}"#, ["$"]),
            ("reassign", #"{"department":"kitchen"}"#, ["department"]),
            ("validity", #"{"reason":"r"}"#, ["valid"]),
        ])
    func refuses(name: String, json: String, paths: [String]) throws {
        guard case .failure(let errors) = try parse(name, json) else {
            Issue.record("\(name) \(json) was accepted")
            return
        }
        #expect(errors.errors.map(\.path) == paths)
    }

    @Test("an unknown action is not an action")
    func unknown() throws {
        #expect(try parse("teleport") == nil)
    }
}
