import CareLoopContracts
import Foundation
import Testing

@testable import RoutingService

@Suite("Routing decision for a registered case")
struct RoutingDecisionTests {
    private func rules() throws -> RoutingRules {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Services/Routing/rules/classification.v1.json")
        let ruleSet = try JSONDecoder().decode(ClassificationRuleSet.self, from: Data(contentsOf: path))
        return RoutingRules(
            classifier: try Classifier(ruleSet: ruleSet),
            defaultCalendar: try BusinessCalendar(.weekdays(timeZone: "Asia/Shanghai", hours: ["09:00-12:00", "13:30-18:00"])))
    }

    private func registered(title: String, description: String, kind: VoiceKind = .complaint) -> CaseEventData {
        CaseEventData(
            caseID: UUID().uuidString.lowercased(), reference: "SZ-2026-000001",
            externalRef: ExternalReference(source: "crm://acme/hotline", id: "e-1"), status: .registered, kind: kind,
            category: "unclassified", severity: .ordinary, department: .customerService,
            property: PropertyAddress(city: "shenzhen", project: "SZ-FSG"),
            due: CaseDeadlines(acknowledgeBy: Timestamp(Date()), respondBy: Timestamp(Date()), resolveBy: Timestamp(Date())),
            occurredAt: Timestamp(Date()), ownerID: "OWN-1", title: title, description: description)
    }

    @Test("a bathroom leak goes to engineering on the 137 clock in business hours")
    func leak() throws {
        // Monday 2026-11-23 10:00 in Shanghai.
        let start = try #require(ISO8601DateFormatter().date(from: "2026-11-23T02:00:00Z"))
        let decision = try rules().decide(
            registered(title: "卫生间漏水", description: "卫生间天花板渗水，已经三天了"), ownerReportsInWindow: 1, registeredAt: start)
        #expect(decision.classification.department == .engineering)
        #expect(decision.classification.category == "engineering.leakage")
        #expect(decision.timeRule == .rule137)
        #expect(decision.severity.severity == .ordinary)
        // 137: acknowledge within one business day → Tuesday 10:00 Shanghai.
        #expect(decision.due.acknowledgeBy.date == ISO8601DateFormatter().date(from: "2026-11-24T02:00:00Z"))
    }

    @Test("a safety word makes the case major; repeat reports too")
    func severity() throws {
        let start = Date()
        let rules = try rules()
        #expect(rules.decide(registered(title: "Gas smell", description: "Strong gas smell in the corridor"), ownerReportsInWindow: 1, registeredAt: start).severity.severity == .major)
        #expect(rules.decide(registered(title: "Noise", description: "Neighbours are noisy"), ownerReportsInWindow: 5, registeredAt: start).severity.severity == .major)
    }

    @Test("nothing matched goes to manual triage in customer service, never dropped")
    func triage() throws {
        let decision = try rules().decide(registered(title: "Hello", description: "xyzzy"), ownerReportsInWindow: 1, registeredAt: Date())
        #expect(decision.classification.category == Classifier.triageCategory)
        #expect(decision.classification.department == .customerService)
    }
}
