import CareLoopContracts
import Foundation
import Testing

@testable import RoutingService

/// Rules, cases and instants shared by routing's tests.
enum RoutingFixtures {
    /// Monday 2026-03-02 10:00 in Shanghai.
    static let monday10 = Date(timeIntervalSince1970: 1_772_416_800)

    /// The shipped rules with a 24/7 Shanghai calendar, so deadlines are plain arithmetic: 113 acknowledge 1 h
    /// (warning 48 min), respond 1 day (24 h), resolve 3 days.
    static func rules(allDay: Bool = true) throws -> RoutingRules {
        let calendar = try BusinessCalendar(
            allDay ? BusinessCalendarFixtures.allDay("Asia/Shanghai") : BusinessCalendarFixtures.shanghaiSplit)
        return RoutingRules(classifier: try ClassificationFiles.classifier(), defaultCalendar: calendar)
    }

    /// A `careloop.case.registered` snapshot as intake publishes it.
    static func registered(
        caseID: UUID = UUID(), title: String = "Kitchen tap leaking", description: String = "Water drips from under the sink",
        kind: VoiceKind = .repair, categoryHint: String? = nil, city: String = "shenzhen", project: String = "SZ-FSG",
        owner: String = "OWN-1", at: Date = monday10, inspectionBatch: String? = nil
    ) -> CaseEventData {
        CaseEventData(
            caseID: caseID.uuidString.lowercased(), reference: "SZ-2026-000001",
            externalRef: ExternalReference(source: "crm://acme/hotline", id: "e-\(caseID.uuidString.prefix(8))"), status: .registered,
            kind: kind, category: categoryHint ?? "unclassified", severity: .ordinary, department: .customerService,
            property: PropertyAddress(city: city, project: project),
            due: CaseDeadlines(acknowledgeBy: Timestamp(at), respondBy: Timestamp(at), resolveBy: Timestamp(at)),
            occurredAt: Timestamp(at), ownerID: owner, title: title, description: description, categoryHint: categoryHint,
            inspectionBatch: inspectionBatch)
    }

    /// A case routed by `rules` at its registration instant.
    static func routed(_ data: CaseEventData, rules: RoutingRules) -> CaseRecord {
        let decision = rules.decide(data, ownerReportsInWindow: 1, registeredAt: data.occurredAt.date)
        let context = rules.context(city: data.property.city, project: data.property.project, timeRule: decision.timeRule)
        return CaseRecord.routed(data, caseID: UUID(uuidString: data.caseID)!, decision: decision, at: data.occurredAt.date, rules: context)
    }
}
