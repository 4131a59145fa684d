import CareLoopContracts
import Foundation
import Testing

/// The rules of work-order, survey and notification payloads, starting from their golden fixtures.
@Suite struct LifecyclePayloadTests {
    static func failures<Payload: EventPayload>(
        _ fixture: String,
        as type: Payload.Type,
        _ change: (inout Payload) -> Void
    ) throws -> [String] {
        var payload = try CareLoopJSON.decode(Payload.self, from: try Fixture.bytes(fixture))
        change(&payload)
        return payload.validate().map { "\($0.path)/\($0.rule)" }
    }

    @Test func workOrderRules() throws {
        func failures(_ fixture: String, _ change: (inout WorkOrderEventData) -> Void) throws -> [String] {
            try Self.failures(fixture, as: WorkOrderEventData.self, change)
        }
        #expect(try failures("workorder.scheduled.json") { $0.appointment = nil } == ["appointment/required"])
        #expect(try failures("workorder.opened.json") { $0.appointment = nil }.isEmpty)
        let sameInstant: (inout WorkOrderEventData) -> Void = { data in
            let start = data.appointment?.start
            data.appointment?.end = start!.expressed(in: .utc)
        }
        #expect(try failures("workorder.scheduled.json", sameInstant).isEmpty)
        let beforeStart = try Timestamp(rfc3339: "2026-11-23T13:00:00+08:00")
        #expect(
            try failures("workorder.scheduled.json") { $0.appointment?.end = beforeStart } == ["appointment.end/order"])
        #expect(
            try failures("workorder.scheduled.json") { $0.warranty?.expiresOn = "2028-02-30" } == [
                "warranty.expires_on/date"
            ])
        #expect(
            try failures("workorder.scheduled.json") { $0.warranty?.component = "" } == ["warranty.component/required"])
        #expect(try failures("workorder.cancelled.json") { $0.reason = nil } == ["reason/required"])
        #expect(try failures("workorder.reopened.json") { $0.reason = "" } == ["reason/required"])
        #expect(try failures("workorder.opened.json") { $0.status = "teleported" } == ["status/enum"])
        #expect(try failures("workorder.opened.json") { $0.skill = " " } == ["skill/required"])
        #expect(try failures("workorder.opened.json") { $0.workOrderID = "" } == ["work_order_id/required"])
        #expect(try failures("workorder.opened.json") { $0.property.city = "" } == ["property.city/required"])
    }

    @Test(
        "Survey scores are on the 5-point scale",
        arguments: [(1, true), (5, true), (0, false), (6, false), (-3, false)]
    )
    func surveyScore(score: Int, valid: Bool) throws {
        let failures = try Self.failures("survey.responded.json", as: SurveyEventData.self) { $0.score = score }
        #expect(failures == (valid ? [] : ["score/range"]))
    }

    @Test func surveyRules() throws {
        func failures(_ change: (inout SurveyEventData) -> Void) throws -> [String] {
            try Self.failures("survey.responded.json", as: SurveyEventData.self, change)
        }
        #expect(try failures { $0.score = nil } == ["score/required"])
        #expect(try failures { $0.answers?["would_recommend"] = 0 } == ["answers.would_recommend/range"])
        #expect(try failures { $0.answers?[""] = 3 } == ["answers./required"])
        #expect(try failures { $0.surveyKind = "weekly" } == ["survey_kind/enum"])
        #expect(try failures { $0.ownerID = "" } == ["owner_id/required"])
        #expect(try Self.failures("survey.invited.json", as: SurveyEventData.self) { $0.score = nil }.isEmpty)
    }

    @Test func notificationRules() throws {
        func failures(_ fixture: String, _ change: (inout NotificationEventData) -> Void) throws -> [String] {
            try Self.failures(fixture, as: NotificationEventData.self, change)
        }
        #expect(try failures("notification.failed.json") { $0.reason = nil } == ["reason/required"])
        #expect(try failures("notification.requested.json") { $0.channel = "fax" } == ["channel/enum"])
        #expect(try failures("notification.requested.json") { $0.locale = "zh_CN" } == ["locale/language_tag"])
        #expect(try failures("notification.requested.json") { $0.locale = "" } == ["locale/required"])
        #expect(try failures("notification.requested.json") { $0.template = "" } == ["template/required"])
        #expect(try failures("notification.requested.json") { $0.status = "read" } == ["status/enum"])
    }

    @Test(
        "Notification parameters never carry names or phone numbers",
        arguments: [
            ("owner_name", "Li Wei", false),
            ("Phone", "see app", false),
            ("contact", "+8613800138000", false),
            ("project_name", "四季花城", true),
            ("reference", "SZ-2026-000123", true),
            ("visit_window", "2026-11-23 14:00–16:00", true),
        ]
    )
    func notificationParameters(name: String, value: String, allowed: Bool) throws {
        let failures = try Self.failures("notification.requested.json", as: NotificationEventData.self) {
            $0.parameters[name] = value
        }
        #expect(failures == (allowed ? [] : ["parameters.\(name)/personal_data"]))
    }

    @Test func eachPayloadKnowsItsTopic() {
        #expect(CaseEventData.topic == .cases)
        #expect(WorkOrderEventData.topic == .workOrders)
        #expect(SurveyEventData.topic == .surveys)
        #expect(NotificationEventData.topic == .notifications)
        #expect(VoiceSubmission.topic == .intake)
    }
}
