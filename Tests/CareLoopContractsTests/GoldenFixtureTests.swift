import CareLoopContracts
import Foundation
import Testing

/// Every event type of the contract has a golden fixture that decodes, validates and re-encodes
/// byte-identical in CareLoopJSON's canonical form, and to the same JSON in its compact form (events on topics).
@Suite struct GoldenFixtureTests {
    @Test("Every contract event type has a fixture that round-trips byte-identical", arguments: EventType.known)
    func eventTypeFixtureRoundTrips(type: EventType) throws {
        let name = "\(type.rawValue.dropFirst("careloop.".count)).json"
        let original = try Fixture.bytes(name)
        let reencoded = try Self.decodeValidateEncode(original, as: type)
        #expect(
            String(decoding: Fixture.fileForm(reencoded), as: UTF8.self) == String(decoding: original, as: UTF8.self))
        #expect(Fixture.fileForm(reencoded) == original)
    }

    @Test("The compact form of every fixture is the same JSON as the fixture", arguments: EventType.known)
    func compactFormIsTheSameJSON(type: EventType) throws {
        let original = try Fixture.bytes("\(type.rawValue.dropFirst("careloop.".count)).json")
        let compact = try Self.decodeValidateEncode(original, as: type, form: { try CareLoopJSON.encode($0) })
        #expect(!compact.contains(UInt8(ascii: "\n")))
        let expected = try JSONSerialization.jsonObject(with: Data(original)) as? NSDictionary
        let actual = try JSONSerialization.jsonObject(with: Data(compact)) as? NSDictionary
        #expect(expected != nil && actual == expected)
    }

    @Test(
        "Extra submission fixtures (offset, fractional seconds, Chinese text, minimal) round-trip",
        arguments: ["voice.submitted.minimal.json", "voice.submitted.offset-fraction.json"]
    )
    func submissionFixtureRoundTrips(name: String) throws {
        let original = try Fixture.bytes(name)
        let reencoded = try Self.decodeValidateEncode(original, as: .voiceSubmitted)
        #expect(
            String(decoding: Fixture.fileForm(reencoded), as: UTF8.self) == String(decoding: original, as: UTF8.self))
    }

    @Test func offsetAndFractionSurviveDecoding() throws {
        let submission = try VoiceSubmission.parse(
            json: try Fixture.bytes("voice.submitted.offset-fraction.json"),
            now: Fixture.now
        ).get()
        #expect(submission.submittedAt.rfc3339 == "2026-11-21T23:15:30.123456789-05:30")
        #expect(submission.submittedAt == (try Timestamp(rfc3339: "2026-11-22T04:45:30.123456789Z")))
        #expect(submission.title == "验房: 主卧木门变形")
    }

    @Test func statusOfLifecycleFixturesMatchesTheirEventType() throws {
        for type in [Topic.workOrders, .surveys, .notifications].flatMap(\.eventTypes) {
            let bytes = try Fixture.bytes("\(type.rawValue.dropFirst("careloop.".count)).json")
            let status: String
            switch type.topic {
            case .workOrders?: status = try WorkOrderEventData.parse(json: bytes).get().status.rawValue
            case .surveys?: status = try SurveyEventData.parse(json: bytes).get().status.rawValue
            default: status = try NotificationEventData.parse(json: bytes).get().status.rawValue
            }
            #expect(status == type.action, "\(type)")
        }
    }

    @Test func caseCreatedResponseRoundTrips() throws {
        let original = try Fixture.bytes("http.case-created.json")
        let response = try CareLoopJSON.decode(CaseCreatedResponse.self, from: original)
        #expect(
            response == CaseCreatedResponse(caseID: "c0a8012e-7b1d-4f7e-9a55-2f6a1d3e9b01", reference: "SZ-2026-000123")
        )
        #expect(Fixture.fileForm(try CareLoopJSON.canonical(response)) == original)
    }

    @Test func problemDetailsRoundTrips() throws {
        let original = try Fixture.bytes("http.problem.validation.json")
        let problem = try CareLoopJSON.decode(ProblemDetails.self, from: original)
        #expect(problem.status == 400)
        #expect(problem.errors.map(\.path) == ["owner.phone", "attachments[3].url"])
        #expect(Fixture.fileForm(try CareLoopJSON.canonical(problem)) == original)
    }

    /// Decodes with the parser the topic's consumers use, fails on any field error, re-encodes in `form`
    /// (canonical unless told).
    static func decodeValidateEncode(
        _ bytes: [UInt8], as type: EventType, form: (any Encodable) throws -> [UInt8] = { try CareLoopJSON.canonical($0) }
    ) throws -> [UInt8] {
        switch type.topic {
        case .intake?: try form(VoiceSubmission.parse(json: bytes, now: Fixture.now).get())
        case .cases?: try form(CaseEventData.parse(json: bytes).get())
        case .workOrders?: try form(WorkOrderEventData.parse(json: bytes).get())
        case .surveys?: try form(SurveyEventData.parse(json: bytes).get())
        case .notifications?: try form(NotificationEventData.parse(json: bytes).get())
        default: throw UnmappedEventType(type: type)
        }
    }

    struct UnmappedEventType: Error {
        var type: EventType
    }
}
