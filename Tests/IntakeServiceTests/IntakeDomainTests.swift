import CareLoopContracts
import Foundation
import Testing

@testable import IntakeService

@Suite("Intake domain rules")
struct IntakeDomainTests {
    @Test(
        "reference prefixes are 1 to 8 capitals or digits, starting with a letter",
        arguments: [("SZ", true), ("S", true), ("SZ2", true), ("ABCDEFGH", true), ("ABCDEFGHI", false), ("sz", false), ("2SZ", false),
            ("", false), ("S-Z", false), ("深圳", false)])
    func referencePrefix(prefix: String, valid: Bool) {
        #expect(CaseReference.isValidPrefix(prefix) == valid)
    }

    @Test("the reference year is the year in the city's time zone")
    func referenceYear() throws {
        let newYearsEveUTC = try #require(ISO8601DateFormatter().date(from: "2026-12-31T16:30:00Z"))
        #expect(CaseReference.year(of: newYearsEveUTC, in: try #require(TimeZone(identifier: "Asia/Shanghai"))) == 2027)
        #expect(CaseReference.year(of: newYearsEveUTC, in: try #require(TimeZone(identifier: "UTC"))) == 2026)
        #expect(CaseReference.year(of: newYearsEveUTC, in: try #require(TimeZone(identifier: "America/New_York"))) == 2026)
        let beforeEpoch = Date(timeIntervalSince1970: -1)
        #expect(CaseReference.year(of: beforeEpoch, in: try #require(TimeZone(identifier: "UTC"))) == 1969)
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
            ("tel 138-0013-8000 or +86 138 0013 8000.", "tel [phone] or [phone]."),
            ("全角 １３８００１３８０００ 号码", "全角 [phone] 号码"),
            ("six digits 123456 stay, seven 1234567 go", "six digits 123456 stay, seven [phone] go"),
            ("a plus alone + 12 and +8613800138000", "a plus alone + 12 and [phone]"),
            ("a.b+c_d%e-f@mail.example.co, x@localhost, y@z.c", "[email], x@localhost, y@z.c"),
            ("write to li@example.com.cn.", "write to [email]."),
            ("张三说：电话13800138000，邮箱zs@qq.com", "张三说：电话[phone]，邮箱[email]"),
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
