import CareLoopContracts
import Foundation
import Testing

@testable import IntakeService

@Suite("Submission checks: contract rules and the property registry together")
struct SubmissionIntakeTests {
    static let now = Date(timeIntervalSince1970: 1_795_311_000)
    static let registry = PropertyRegistry(PropertyRegistryTests.document)

    static func body(city: String = "shenzhen", project: String = "SZ-FSG", extra: String = "") -> [UInt8] {
        Array(
            """
            {"kind":"repair","channel":"hotline","submitted_at":"\(Timestamp(now).rfc3339)","owner":{"id":"OWN-1"},
             "property":{"city":"\(city)","project":"\(project)"},"description":"tap leaks"\(extra)}
            """.utf8)
    }

    static func check(_ body: [UInt8]) -> Set<String> {
        switch SubmissionIntake.check(body, registry: registry, now: now, maxFutureSkew: .seconds(300)) {
        case .success: []
        case .failure(let errors): Set(errors.errors.map { "\($0.path)/\($0.rule)" })
        }
    }

    @Test("a valid submission for a known project passes")
    func valid() {
        #expect(Self.check(Self.body()).isEmpty)
    }

    @Test("unknown city or project is a field error")
    func unknown() {
        #expect(Self.check(Self.body(city: "atlantis")) == ["property.city/unknown"])
        #expect(Self.check(Self.body(project: "SZ-NOPE")) == ["property.project/unknown"])
    }

    @Test("an unknown project is reported together with every other failing field")
    func together() {
        let body = String(decoding: Self.body(project: "SZ-NOPE"), as: UTF8.self)
            .replacingOccurrences(of: #""owner":{"id":"OWN-1"}"#, with: #""owner":{"id":"OWN-1","phone":"12345"}"#)
        #expect(Self.check(Array(body.utf8)) == [
            "property.project/unknown", "owner.phone/e164",
        ])
    }

    @Test("a property with its own errors is not also reported unknown; malformed JSON is one error")
    func noDoubleReport() {
        #expect(Self.check(Self.body(project: String(repeating: "P", count: 65))) == ["property.project/max_length"])
        #expect(Self.check(Array("{".utf8)) == ["$/json"])
    }

    @Test("the batch form is checked against the registry too")
    func batch() {
        let defects = #","inspection":{"batch":"B-1"},"defects":[{"description":"door"},{"description":"window"}]"#
        #expect(Self.check(Self.body(extra: defects)).isEmpty)
        #expect(Self.check(Self.body(city: "wuhan", extra: defects)) == ["property.project/unknown"])
    }
}
