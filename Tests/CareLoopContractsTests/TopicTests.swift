import CareLoopContracts
import Testing

@Suite struct TopicTests {
    @Test func publicTopicsAndDeadLetters() {
        #expect(
            Topic.allPublic.map(\.rawValue) == [
                "careloop.intake.v1", "careloop.cases.v1", "careloop.workorders.v1", "careloop.surveys.v1",
                "careloop.notifications.v1",
            ])
        #expect(Topic.deadLetter(of: .intake).rawValue == "careloop.intake.v1.dlt")
        #expect(Topic.cases.deadLetter.isDeadLetter)
        #expect(!Topic.cases.isDeadLetter)
    }

    @Test func eventTypesAreTheContractStrings() {
        let families: [Topic: [String]] = [
            .intake: ["careloop.voice.submitted"],
            .cases: [
                "registered", "routed", "escalated", "sla_warning", "sla_breached", "assigned", "resolved",
                "closed", "reopened", "merged",
            ].map { "careloop.case.\($0)" },
            .workOrders: [
                "opened", "assigned", "contacted", "scheduled", "started", "parts_waiting", "completed",
                "verified", "reopened", "cancelled",
            ].map { "careloop.workorder.\($0)" },
            .surveys: ["invited", "responded", "expired"].map { "careloop.survey.\($0)" },
            .notifications: ["requested", "delivered", "failed"].map { "careloop.notification.\($0)" },
        ]
        for topic in Topic.allPublic {
            #expect(topic.eventTypes.map(\.rawValue) == families[topic], "\(topic)")
        }
        #expect(EventType.known.count == 27)
        #expect(Set(EventType.known).count == 27)
    }

    @Test(
        "The topic of an event type",
        arguments: [
            ("careloop.voice.submitted", "careloop.intake.v1" as String?),
            ("careloop.case.sla_breached", "careloop.cases.v1"),
            ("careloop.workorder.parts_waiting", "careloop.workorders.v1"),
            ("careloop.survey.expired", "careloop.surveys.v1"),
            ("careloop.notification.failed", "careloop.notifications.v1"),
            ("careloop.case.teleported", "careloop.cases.v1"),
            ("careloop.case.", nil),
            ("careloop.cases.registered", nil),
            ("com.acme.case.registered", nil),
            ("", nil),
        ]
    )
    func topicOfType(type: String, topic: String?) {
        #expect(EventType(rawValue: type).topic?.rawValue == topic)
    }

    @Test func knownness() {
        #expect(EventType.caseMerged.isKnown)
        #expect(!EventType(rawValue: "careloop.case.teleported").isKnown)
        #expect(EventType.workOrderPartsWaiting.action == "parts_waiting")
    }

    @Test func openEnumerationsRoundTripUnknownValues() throws {
        let json = try CareLoopJSON.encode([Severity(rawValue: "catastrophic"), .major])
        #expect(String(decoding: json, as: UTF8.self).contains("\"catastrophic\""))
        #expect(try CareLoopJSON.decode([Severity].self, from: json) == ["catastrophic", .major])
    }
}
