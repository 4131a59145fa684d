import CareLoopContracts
import Foundation
import Testing

@testable import IntakeService

@Suite("Intake domain rules")
struct IntakeDomainTests {
    @Test(
        "reference prefix from the project code, else the city",
        arguments: [
            ("shenzhen", "SZ-FSG", "SZ"), ("wuhan", "WH-LKC", "WH"), ("wuhan", "LAKESIDE", "WU"),
            ("beijing", "bj-01", "BJ"), ("x", "12-AB", "X"), ("深圳", "四季花城", "CL"),
        ])
    func referencePrefix(city: String, project: String, expected: String) {
        #expect(CaseReference.prefix(city: city, project: project) == expected)
    }

    @Test("references are zero-padded to six digits and grow beyond")
    func referenceFormat() {
        #expect(CaseReference.format(prefix: "SZ", year: 2026, number: 123) == "SZ-2026-000123")
        #expect(CaseReference.format(prefix: "SZ", year: 2026, number: 1_234_567) == "SZ-2026-1234567")
    }

    @Test(
        "personal data is redacted from free text",
        arguments: [
            ("Call me on +8613800138000 please", "Call me on [phone] please"),
            ("电话 138 0013 8000，谢谢", "电话 [phone]，谢谢"),
            ("mail li.wei@example.com now", "mail [email] now"),
            ("Li Wei here, unit 1203", "[name] here, unit 1203"),
            ("this is li wei again", "this is [name] again"),
            ("Tap leaks in unit 1203 since 2026", "Tap leaks in unit 1203 since 2026"),
        ])
    func redaction(input: String, expected: String) {
        #expect(PersonalDataRedaction.redact(input, ownerName: "Li Wei") == expected)
    }

    @Test("the registered event carries no owner name or phone, and provisional routing values")
    func registeredEvent() throws {
        let json = """
            {"kind":"repair","channel":"hotline","submitted_at":"2026-11-22T09:30:00+08:00",
             "owner":{"id":"OWN-1","name":"Li Wei","phone":"+8613800138000"},
             "property":{"city":"shenzhen","project":"SZ-FSG","building":"12","unit":"1203"},
             "title":"Li Wei: tap leaking","description":"Call +8613800138000 after 6pm"}
            """
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-22T02:00:00Z"))
        let submission = try VoiceSubmission.parse(json: Array(json.utf8), now: now).get()
        let data = CaseRegistration().registeredEvent(
            caseID: UUID(), reference: "SZ-2026-000001", submission: submission, source: "crm://acme/hotline", externalID: "e-1",
            registeredAt: now)
        let encoded = String(decoding: try CareLoopJSON.encode(data), as: UTF8.self)
        #expect(!encoded.contains("Li Wei"))
        #expect(!encoded.contains("13800138000"))
        #expect(data.status == .registered)
        #expect(data.severity == .ordinary)
        #expect(data.category == "unclassified")
        #expect(data.ownerID == "OWN-1")
        #expect(data.due.acknowledgeBy.date == now.addingTimeInterval(3600))
        #expect(data.externalRef == ExternalReference(source: "crm://acme/hotline", id: "e-1"))
    }
}
