import CareLoopContracts
import Foundation
import Testing

@Suite struct CaseEventDataTests {
    /// A case event with every optional field set.
    static func full() throws -> CaseEventData {
        var data = try CaseEventData.parse(json: try Fixture.bytes("case.registered.json")).get()
        data.groupIncidentID = "GI-1"
        data.escalationLevel = 1
        data.reason = "test"
        data.previousStatus = .registered
        data.requiresWorkOrder = true
        data.deadline = "respond"
        return data
    }

    @Test func theDeadlineMustBeOneOfTheThreeClocks() throws {
        #expect(try Self.failures { $0.deadline = "lunch" } == ["deadline/enum"])
        #expect(try Self.failures { $0.deadline = "resolve" } == [])
    }

    static func failures(_ change: (inout CaseEventData) -> Void) throws -> [String] {
        var data = try full()
        change(&data)
        return data.validate().map { "\($0.path)/\($0.rule)" }
    }

    /// Every object key anywhere in a JSON document.
    static func keys(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return object.keys + object.values.flatMap { keys(in: $0) }
        }
        if let array = value as? [Any] {
            return array.flatMap { keys(in: $0) }
        }
        return []
    }

    @Test func noOwnerNameOrPhoneKeyIsEverEncoded() throws {
        let json = try JSONSerialization.jsonObject(with: Data(try Self.full().encodedJSON()))
        let keys = Self.keys(in: json)
        #expect(keys.contains("owner_id"))
        #expect(keys.filter { $0.contains("name") || $0.contains("phone") || $0 == "owner" }.isEmpty)
        #expect(keys.count > 30)
    }

    @Test func noStoredPropertyCanHoldANameOrPhone() throws {
        let labels = Mirror(reflecting: try Self.full()).children.compactMap(\.label)
        #expect(labels.count == 26)
        #expect(labels.filter { $0.lowercased().contains("name") || $0.lowercased().contains("phone") }.isEmpty)
    }

    @Test func namesAndPhonesInInputAreDropped() throws {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixture.bytes("case.routed.json"))) as? [String: Any]
        )
        object["owner"] = ["id": "OWN-88231", "name": "Li Wei", "phone": "+8613800138000"]
        object["owner_name"] = "Li Wei"
        object["owner_phone"] = "+8613800138000"
        let data = try CaseEventData.parse(json: Array(try JSONSerialization.data(withJSONObject: object))).get()
        let text = String(decoding: try data.encodedJSON(), as: UTF8.self)
        #expect(!text.contains("Li Wei"))
        #expect(!text.contains("+8613800138000"))
    }

    @Test func fullDataIsValid() throws {
        #expect(try Self.failures { _ in }.isEmpty)
    }

    @Test func contractFieldsAreChecked() throws {
        #expect(try Self.failures { $0.caseID = "" } == ["case_id/required"])
        #expect(try Self.failures { $0.reference = String(repeating: "R", count: 65) } == ["reference/max_length"])
        #expect(try Self.failures { $0.externalRef.id = " " } == ["external_ref.id/required"])
        #expect(try Self.failures { $0.externalRef.source = "" } == ["external_ref.source/required"])
        #expect(try Self.failures { $0.status = "lost" } == ["status/enum"])
        #expect(try Self.failures { $0.kind = "rumour" } == ["kind/enum"])
        #expect(try Self.failures { $0.category = "" } == ["category/required"])
        #expect(try Self.failures { $0.severity = "catastrophic" } == ["severity/enum"])
        #expect(try Self.failures { $0.department = "legal" } == ["department/enum"])
        #expect(try Self.failures { $0.property.project = "" } == ["property.project/required"])
    }

    @Test func deadlinesMustBeInOrder() throws {
        let early = try Timestamp(rfc3339: "2026-11-22T00:00:00Z")
        #expect(try Self.failures { $0.due.respondBy = early } == ["due.respond_by/order"])
        #expect(try Self.failures { $0.due.resolveBy = early } == ["due.resolve_by/order"])
        #expect(try Self.failures { $0.due.respondBy = $0.due.acknowledgeBy }.isEmpty)
    }

    @Test func additiveFieldsAreChecked() throws {
        #expect(try Self.failures { $0.channel = "fax" } == ["channel/enum"])
        #expect(try Self.failures { $0.previousStatus = "lost" } == ["previous_status/enum"])
        #expect(try Self.failures { $0.attachmentsCount = 11 } == ["attachments_count/range"])
        #expect(try Self.failures { $0.attachmentsCount = -1 } == ["attachments_count/range"])
        #expect(try Self.failures { $0.escalationLevel = 11 } == ["escalation_level/range"])
        #expect(try Self.failures { $0.title = String(repeating: "题", count: 201) } == ["title/max_length"])
        #expect(
            try Self.failures { $0.description = String(repeating: "述", count: 4_001) } == ["description/max_length"])
        #expect(try Self.failures { $0.reason = String(repeating: "r", count: 1_001) } == ["reason/max_length"])
    }

    @Test func mergedCasesNameTheirGroupIncident() throws {
        #expect(
            try Self.failures {
                $0.status = .merged
                $0.groupIncidentID = nil
            } == ["group_incident_id/required"])
        #expect(try Self.failures { $0.status = .merged }.isEmpty)
    }

    @Test(
        "Strict decoding reports the failing field",
        arguments: [
            ("case_id", nil as String?, "case_id", FieldError.Rule.required),
            ("status", "7", "status", .type),
            ("occurred_at", "\"yesterday\"", "occurred_at", .rfc3339),
            (
                "due", "{\"acknowledge_by\":\"2026-11-23T09:30:00+08:00\",\"respond_by\":\"x\"}", "due.respond_by",
                .rfc3339
            ),
            ("attachments_count", "\"one\"", "attachments_count", .type),
            ("property", "null", "property", .required),
        ]
    )
    func decodingErrors(member: String, json: String?, path: String, rule: FieldError.Rule) throws {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(try Fixture.bytes("case.routed.json"))) as? [String: Any]
        )
        object[member] = try json.map {
            try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed)
        }
        let result = CaseEventData.parse(json: Array(try JSONSerialization.data(withJSONObject: object)))
        guard case .failure(let errors) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(errors.pathsAndRules == [.init(path: path, rule: rule)])
    }

    @Test func malformedJSONIsAnErrorAtTheRoot() {
        guard case .failure(let errors) = CaseEventData.parse(json: Array("{\"case_id\":".utf8)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(errors.pathsAndRules == [.init(path: "$", rule: .json)])
    }
}
