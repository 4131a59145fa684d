import CareLoopContracts
import Foundation
import Testing

@testable import RoutingService

@Suite("Routing policies: escalation chain, scopes, work-order rules, limits")
struct RoutingPoliciesTests {
    @Test("the standard chain climbs team lead → project manager → city lead → group and stops at the top")
    func standardChain() {
        let chain = EscalationChain.standard
        #expect(chain.step(above: 0) == EscalationStep(level: 1, role: "team_lead"))
        #expect(chain.step(above: 1)?.role == "project_manager")
        #expect(chain.step(above: 2)?.role == "city_customer_relations_lead")
        #expect(chain.step(above: 3) == EscalationStep(level: 4, role: "group"))
        #expect(chain.step(above: 4) == nil)
        #expect(chain.top == EscalationStep(level: 4, role: "group"))
    }

    @Test("a chain needs 1 to 10 distinct, non-blank roles", arguments: [
        ([], false), (["a"], true), (["a", " "], false), (["a", "a"], false), (Array((1...10).map { "r\($0)" }), true),
        (Array((1...11).map { "r\($0)" }), false),
    ])
    func chainValidation(roles: [String], valid: Bool) {
        #expect((EscalationChain(roles: roles) != nil) == valid)
    }

    @Test("a project's override wins over its city's, which wins over the defaults, part by part")
    func scopes() throws {
        let cityChain = try #require(EscalationChain(roles: ["duty_manager", "city_lead"]))
        let policies = RoutingPolicies(
            defaults: CasePolicy(commander: "default_commander"),
            cities: ["wuhan": CasePolicyOverride(commander: "wuhan_lead", escalationChain: cityChain)],
            projects: ["WH-LKC": CasePolicyOverride(groupIncident: GroupIncidentThresholds(distinctOwners: 3, window: .seconds(3600)))])
        let project = policies.policy(city: "wuhan", project: "WH-LKC")
        #expect(project.groupIncident.distinctOwners == 3)
        #expect(project.commander == "wuhan_lead")
        #expect(project.escalationChain == cityChain)
        let city = policies.policy(city: "wuhan", project: "WH-OTHER")
        #expect(city.groupIncident == GroupIncidentThresholds())
        #expect(city.commander == "wuhan_lead")
        let elsewhere = policies.policy(city: "shenzhen", project: "SZ-FSG")
        #expect(elsewhere == CasePolicy(commander: "default_commander"))
    }

    @Test(
        "repairs, inspection defects and engineering complaints need a work order; other voices do not",
        arguments: [
            (VoiceKind.repair, "property.cleaning", nil as String?, true),
            (.complaint, "engineering.leakage", nil, true),
            (.complaint, "planning_design.layout", nil, false),
            (.complaint, "property.parking", "DELIVERY-2026-11-SZ-FSG-B12", true),
            (.inquiry, "engineering.leakage", nil, false),
            (.suggestion, "property.greenery", nil, false),
        ])
    func workOrders(kind: VoiceKind, category: String, batch: String?, expected: Bool) {
        #expect(WorkOrderRules().requiresWorkOrder(kind: kind, category: category, inspectionBatch: batch) == expected)
    }

    @Test("configured work-order rules are data", arguments: [false, true])
    func workOrderRulesAreData(inspectionDefects: Bool) {
        var rules = WorkOrderRules()
        rules.kinds = []
        rules.inspectionDefects = inspectionDefects
        rules.complaintCategoryPrefixes = ["planning_design."]
        #expect(!rules.requiresWorkOrder(kind: .repair, category: "engineering.leakage", inspectionBatch: nil))
        #expect(rules.requiresWorkOrder(kind: .complaint, category: "planning_design.layout", inspectionBatch: nil))
        #expect(rules.requiresWorkOrder(kind: .inquiry, category: "x.y", inspectionBatch: "B1") == inspectionDefects)
    }

    @Test(
        "limits read as configuration writes them",
        arguments: [
            ("45s", SLAPolicy.Limit.businessTime(.seconds(45))), ("20m", .businessTime(.seconds(1200))),
            ("1h", .businessTime(.seconds(3600))), ("3d", .businessDays(3)), (" 2h ", .businessTime(.seconds(7200))),
        ])
    func limits(text: String, expected: SLAPolicy.Limit) {
        #expect(SLAPolicy.Limit(text: text) == expected)
    }

    @Test("malformed limits are refused", arguments: ["", "h", "0h", "-1h", "1.5h", "3w", "1h30m"])
    func badLimits(text: String) {
        #expect(SLAPolicy.Limit(text: text) == nil)
    }

    @Test("a policy file sets time rules, work-order rules and scoped overrides; a bad member is named")
    func policyFile() throws {
        let json = """
            {"timeRules": {"113": {"acknowledge": "20s", "respond": "1m", "resolve": "2m", "warningShare": 0.5}},
             "workOrders": {"kinds": ["repair", "complaint"]},
             "projects": {"SZ-FSG": {"groupIncident": {"distinctOwners": 3, "windowHours": 24}, "commander": "SZ-principal"}}}
            """
        var rules = try RoutingFixtures.rules()
        try JSONDecoder().decode(RoutingPolicyFile.self, from: Data(json.utf8)).apply(to: &rules)
        #expect(rules.slaPolicy(.rule113).acknowledge == .businessTime(.seconds(20)))
        #expect(rules.slaPolicy(.rule113).warningShare == 0.5)
        #expect(rules.slaPolicy(.rule137) == .rule137)
        #expect(rules.workOrders.kinds == [.repair, .complaint])
        let policy = rules.casePolicies.policy(city: "shenzhen", project: "SZ-FSG")
        #expect(policy.groupIncident == GroupIncidentThresholds(distinctOwners: 3, window: .seconds(24 * 3600)))
        #expect(policy.commander == "SZ-principal")

        let bad = #"{"timeRules": {"113": {"acknowledge": "soon", "respond": "1d", "resolve": "3d"}}}"#
        #expect {
            try JSONDecoder().decode(RoutingPolicyFile.self, from: Data(bad.utf8)).apply(to: &rules)
        } throws: { error in
            "\(error)".contains("timeRules.113.acknowledge")
        }
    }
}
