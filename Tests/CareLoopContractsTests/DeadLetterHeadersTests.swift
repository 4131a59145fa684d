import CareLoopContracts
import Testing

@Suite struct DeadLetterHeadersTests {
    static let original = [
        RecordHeader(key: "ce_specversion", string: "1.0"),
        RecordHeader(key: "ce_id", string: "hl-1"),
        RecordHeader(key: "x-binary", value: [0xFF, 0x00]),
        RecordHeader(key: "x-null", value: nil),
    ]

    @Test func originalHeadersThenTheFiveDeadLetterHeaders() {
        let headers = DeadLetterHeaders.build(
            original: Self.original,
            errorClass: .invalidCloudEvent,
            message: "ce_time: is required",
            topic: .intake,
            partition: 7,
            offset: 9_000_000_001
        )
        #expect(Array(headers.prefix(4)) == Self.original)
        #expect(
            headers.dropFirst(4).map(\.key) == [
                "careloop_error_class", "careloop_error_message", "careloop_original_topic",
                "careloop_original_partition",
                "careloop_original_offset",
            ])
        #expect(
            headers.dropFirst(4).map(\.stringValue) == [
                "invalid_cloudevent", "ce_time: is required", "careloop.intake.v1", "7", "9000000001",
            ])
    }

    @Test func earlierDeadLetterHeadersAreReplaced() {
        let first = DeadLetterHeaders.build(
            original: Self.original, errorClass: .validation, message: "first", topic: .cases, partition: 1, offset: 2
        )
        let second = DeadLetterHeaders.build(
            original: first, errorClass: .handlerRejected, message: "second", topic: .cases.deadLetter, partition: 0,
            offset: 5
        )
        #expect(second.count == Self.original.count + 5)
        #expect(second.last(named: "careloop_error_class")?.stringValue == "handler_rejected")
        #expect(second.filter { $0.key == "careloop_original_topic" }.map(\.stringValue) == ["careloop.cases.v1.dlt"])
    }

    @Test func longMessagesAreCutAtACharacterBoundary() throws {
        let message = String(repeating: "字", count: 2_000)
        let headers = DeadLetterHeaders.build(
            original: [], errorClass: .validation, message: message, topic: .cases, partition: 0, offset: 0
        )
        let value = try #require(headers.last(named: "careloop_error_message")?.value)
        #expect(value.count <= DeadLetterHeaders.maxMessageBytes)
        #expect(value.count == 4_095)
        let text = try #require(String(validating: value, as: UTF8.self))
        #expect(message.hasPrefix(text))
    }

    @Test func errorClassesAreTheDocumentedWords() {
        #expect(
            DeadLetterErrorClass.known.map(\.rawValue) == [
                "validation", "malformed_json", "invalid_cloudevent", "unknown_type", "handler_rejected",
            ])
    }
}
