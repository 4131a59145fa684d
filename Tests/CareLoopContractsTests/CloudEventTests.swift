import CareLoopContracts
import Foundation
import Testing

@Suite struct CloudEventTests {
    static func event() throws -> CloudEvent {
        CloudEvent(
            id: "hl-20261122-000981",
            source: "crm://acme/hotline",
            type: .voiceSubmitted,
            time: try Timestamp(rfc3339: "2026-11-22T09:30:00+08:00"),
            subject: "OWN-88231",
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            tracestate: "acme=t61rcWkgMzE",
            extensions: ["partitionkey": "shenzhen/SZ-FSG", "dataschema": "urn:careloop:voice:v1"],
            data: try Fixture.bytes("voice.submitted.json")
        )
    }

    static func headers() throws -> [RecordHeader] {
        try event().kafkaHeaders()
    }

    static func codes(_ headers: [RecordHeader], value: [UInt8]? = Array("{}".utf8)) -> [String] {
        do {
            _ = try CloudEvent(headers: headers, value: value)
            return []
        } catch {
            return error.problems.map { "\($0.header):\($0.code)" }
        }
    }

    @Test func headersUseTheContractNamesInOrder() throws {
        let headers = try Self.headers()
        #expect(
            headers.map(\.key) == [
                "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type",
                "traceparent", "tracestate", "ce_dataschema", "ce_partitionkey",
            ]
        )
        #expect(
            headers.map(\.stringValue) == [
                "1.0", "hl-20261122-000981", "crm://acme/hotline", "careloop.voice.submitted",
                "2026-11-22T09:30:00+08:00",
                "OWN-88231", "application/json", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "acme=t61rcWkgMzE", "urn:careloop:voice:v1", "shenzhen/SZ-FSG",
            ])
    }

    @Test func headersRoundTrip() throws {
        let event = try Self.event()
        let decoded = try CloudEvent(headers: event.kafkaHeaders(), value: event.data)
        #expect(decoded == event)
        #expect(decoded.time.rfc3339 == "2026-11-22T09:30:00+08:00")
    }

    @Test func optionalHeadersAreLeftOut() throws {
        var event = try Self.event()
        event.subject = nil
        event.traceparent = nil
        event.tracestate = nil
        event.extensions = [:]
        let headers = event.kafkaHeaders()
        #expect(headers.map(\.key) == ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"])
        #expect(try CloudEvent(headers: headers, value: event.data) == event)
    }

    @Test func extensionsCannotShadowDedicatedHeaders() throws {
        var event = try Self.event()
        event.extensions = ["id": "other", "time": "later", "specversion": "2.0", "ok": "yes"]
        let keys = event.kafkaHeaders().map(\.key)
        #expect(keys.filter { $0 == "ce_id" }.count == 1)
        #expect(keys.filter { $0 == "ce_specversion" }.count == 1)
        #expect(keys.contains("ce_ok"))
    }

    struct HeaderCase: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable ([RecordHeader]) -> [RecordHeader]
        var expected: [String]
        var testDescription: String { name }
    }

    static func replacing(_ key: String, with value: [UInt8]?) -> @Sendable ([RecordHeader]) -> [RecordHeader] {
        { headers in headers.map { $0.key == key ? RecordHeader(key: key, value: value) : $0 } }
    }

    static func removing(_ key: String) -> @Sendable ([RecordHeader]) -> [RecordHeader] {
        { headers in headers.filter { $0.key != key } }
    }

    static let headerCases: [HeaderCase] = [
        .init(
            name: "no ce_specversion", change: removing("ce_specversion"), expected: ["ce_specversion:missing_header"]),
        .init(
            name: "ce_specversion 0.3", change: replacing("ce_specversion", with: Array("0.3".utf8)),
            expected: ["ce_specversion:unsupported_specversion"]),
        .init(name: "no ce_id", change: removing("ce_id"), expected: ["ce_id:missing_header"]),
        .init(name: "null ce_id", change: replacing("ce_id", with: nil), expected: ["ce_id:missing_header"]),
        .init(name: "empty ce_id", change: replacing("ce_id", with: []), expected: ["ce_id:empty_header"]),
        .init(name: "no ce_source", change: removing("ce_source"), expected: ["ce_source:missing_header"]),
        .init(name: "empty ce_source", change: replacing("ce_source", with: []), expected: ["ce_source:empty_header"]),
        .init(name: "no ce_type", change: removing("ce_type"), expected: ["ce_type:missing_header"]),
        .init(name: "empty ce_type", change: replacing("ce_type", with: []), expected: ["ce_type:empty_header"]),
        .init(name: "no ce_time", change: removing("ce_time"), expected: ["ce_time:missing_header"]),
        .init(
            name: "ce_time not RFC 3339", change: replacing("ce_time", with: Array("2026-11-22 09:30".utf8)),
            expected: ["ce_time:invalid_time"]),
        .init(name: "ce_id not UTF-8", change: replacing("ce_id", with: [0x61, 0xFF]), expected: ["ce_id:not_utf8"]),
        .init(
            name: "traceparent not UTF-8", change: replacing("traceparent", with: [0xC3]),
            expected: ["traceparent:not_utf8"]),
        .init(
            name: "extension not UTF-8", change: replacing("ce_partitionkey", with: [0xE6, 0xB0]),
            expected: ["ce_partitionkey:not_utf8"]),
        .init(
            name: "text/plain", change: replacing("content-type", with: Array("text/plain".utf8)),
            expected: ["content-type:unsupported_content_type"]),
        .init(
            name: "latin1 charset",
            change: replacing("content-type", with: Array("application/json; charset=latin1".utf8)),
            expected: ["content-type:unsupported_content_type"]),
        .init(
            name: "other parameter", change: replacing("content-type", with: Array("application/json; version=2".utf8)),
            expected: ["content-type:unsupported_content_type"]),
        .init(
            name: "structured mode",
            change: replacing("content-type", with: Array("application/cloudevents+json".utf8)),
            expected: ["content-type:unsupported_content_type"]),
    ]

    @Test("Each header problem is reported", arguments: headerCases)
    func headerProblem(headerCase: HeaderCase) throws {
        #expect(Self.codes(headerCase.change(try Self.headers())) == headerCase.expected)
    }

    @Test("Null or empty value is reported", arguments: [nil, []] as [[UInt8]?])
    func emptyValue(value: [UInt8]?) throws {
        #expect(Self.codes(try Self.headers(), value: value) == ["value:empty_data"])
    }

    @Test func everyProblemIsListedAtOnce() {
        #expect(
            Self.codes([RecordHeader(key: "ce_type", string: "")], value: nil) == [
                "ce_specversion:missing_header", "ce_id:missing_header", "ce_source:missing_header",
                "ce_type:empty_header", "ce_time:missing_header", "value:empty_data",
            ]
        )
    }

    @Test(
        "JSON content types that are accepted",
        arguments: ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"", nil]
    )
    func acceptedContentType(contentType: String?) throws {
        var headers = try Self.headers().filter { $0.key != "content-type" }
        if let contentType { headers.append(RecordHeader(key: "content-type", string: contentType)) }
        let event = try CloudEvent(headers: headers, value: Array("{}".utf8))
        #expect(event.contentType == contentType ?? "application/json")
    }

    @Test func otherHeadersAreIgnoredAndTheLastRepeatWins() throws {
        var headers = try Self.headers()
        headers.append(RecordHeader(key: "careloop_error_class", string: "validation"))
        headers.append(RecordHeader(key: "x-acme-batch", value: [0xFF]))
        headers.append(RecordHeader(key: "ce_id", string: "replayed-id"))
        let event = try CloudEvent(headers: headers, value: Array("{}".utf8))
        #expect(event.id == "replayed-id")
        #expect(event.extensions == ["partitionkey": "shenzhen/SZ-FSG", "dataschema": "urn:careloop:voice:v1"])
    }

    @Test func emptySubjectMeansNone() throws {
        let headers = Self.replacing("ce_subject", with: [])(try Self.headers())
        #expect(try CloudEvent(headers: headers, value: Array("{}".utf8)).subject == nil)
    }

    @Test func unknownTypesStillDecodeSoTheyCanBeDeadLettered() throws {
        let headers = Self.replacing("ce_type", with: Array("careloop.case.teleported".utf8))(try Self.headers())
        let event = try CloudEvent(headers: headers, value: Array("{}".utf8))
        #expect(event.type.rawValue == "careloop.case.teleported")
        #expect(!event.type.isKnown)
    }

    @Test func jsonFactoryEncodesThePayloadCompactly() throws {
        let submission = try CareLoopJSON.decode(VoiceSubmission.self, from: try Fixture.bytes("voice.submitted.json"))
        let event = try CloudEvent.json(
            id: "e-1",
            source: "crm://acme/hotline",
            type: .voiceSubmitted,
            time: submission.submittedAt,
            payload: submission
        )
        #expect(event.contentType == "application/json")
        #expect(event.data == (try CareLoopJSON.encode(submission)))
        let fixture = try JSONSerialization.jsonObject(with: Data(try Fixture.bytes("voice.submitted.json"))) as? NSDictionary
        let data = try JSONSerialization.jsonObject(with: Data(event.data)) as? NSDictionary
        #expect(fixture != nil && data == fixture)
        #expect(try event.decodeData(as: VoiceSubmission.self) == submission)
        #expect(
            try CloudEvent.json(source: "s", type: .caseRouted, time: submission.submittedAt, payload: [1]).id.count
                == 36)
    }
}
