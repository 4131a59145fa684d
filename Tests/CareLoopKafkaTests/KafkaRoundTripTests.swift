import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Testing

@Suite("Kafka layer against the mock cluster", .timeLimit(.minutes(3)))
struct KafkaRoundTripTests {
    private func records(topic: String, count: Int, prefix: String = "m") -> [ProducerRecord] {
        (0..<count).map { index in
            ProducerRecord(
                topic: topic, key: Array("key-\(index % 7)".utf8), value: Array("\(prefix)-\(index)".utf8),
                headers: [RecordHeader(key: "ce_id", string: "\(prefix)-\(index)"), RecordHeader(key: "empty", value: nil)])
        }
    }

    private func makeProducer() throws -> KafkaProducer {
        try KafkaProducer(client: KafkaTestCluster.clientConfiguration(), logger: KafkaTestCluster.logger)
    }

    private func makeConsumer(topic: String, group: String, handler: RecordingHandler, producer: KafkaProducer) throws -> KafkaConsumer {
        try KafkaConsumer(
            client: KafkaTestCluster.clientConfiguration(), configuration: KafkaTestCluster.consumerConfiguration(topics: [topic], group: group),
            handler: handler, deadLetters: producer, isTransient: isTransient, logger: KafkaTestCluster.logger)
    }

    @Test("every produced record arrives once, with key, value and headers, in order per key")
    func roundTrip() async throws {
        let topic = try KafkaTestCluster.makeTopic()
        let producer = try makeProducer()
        let handler = RecordingHandler()
        let consumer = try makeConsumer(topic: topic, group: "g-\(UUID())", handler: handler, producer: producer)
        try await withRunning([producer, consumer]) {
            let results = await producer.send(records(topic: topic, count: 300))
            #expect(results.allSatisfy { (try? $0.get()) != nil })
            #expect(await eventually { handler.handled.count >= 300 })
        }
        let handled = handler.handled
        #expect(handled.count == 300)
        #expect(Set(handled.map { String(decoding: $0.value ?? [], as: UTF8.self) }).count == 300)
        let first = try #require(handled.first { $0.value == Array("m-0".utf8) })
        #expect(first.header("ce_id") == "m-0")
        #expect(first.headers.contains(RecordHeader(key: "empty", value: nil)))
        #expect(first.key == Array("key-0".utf8))
        for key in 0..<7 {
            let sequence = handled.filter { $0.key == Array("key-\(key)".utf8) }
                .map { Int(String(decoding: $0.value ?? [], as: UTF8.self).dropFirst(2))! }
            #expect(sequence == sequence.sorted(), "order of key-\(key)")
        }
    }

    @Test("a rejected record goes to <topic>.dlt with the contract's headers and the rest flows on")
    func deadLetter() async throws {
        let topic = try KafkaTestCluster.makeTopic(partitions: 1)
        let producer = try makeProducer()
        let handler = RecordingHandler { records, _ in
            records.filter { $0.value == Array("poison".utf8) }
                .map { RecordRejection(record: $0, errorClass: "validation", message: "description: required") }
        }
        let dltHandler = RecordingHandler()
        let consumer = try makeConsumer(topic: topic, group: "g-\(UUID())", handler: handler, producer: producer)
        let dltConsumer = try makeConsumer(topic: topic + ".dlt", group: "dlt-\(UUID())", handler: dltHandler, producer: producer)
        try await withRunning([producer, consumer, dltConsumer]) {
            var batch = records(topic: topic, count: 3)
            batch.insert(ProducerRecord(topic: topic, key: Array("k".utf8), value: Array("poison".utf8), headers: [RecordHeader(key: "ce_id", string: "p1")]), at: 1)
            _ = await producer.send(batch)
            #expect(await eventually { handler.handled.count >= 3 && dltHandler.handled.count >= 1 })
        }
        #expect(handler.handled.map { String(decoding: $0.value ?? [], as: UTF8.self) } == ["m-0", "m-1", "m-2"])
        let dead = try #require(dltHandler.handled.first)
        #expect(dead.value == Array("poison".utf8))
        #expect(dead.key == Array("k".utf8))
        #expect(dead.header("ce_id") == "p1")
        #expect(dead.header("careloop_error_class") == "validation")
        #expect(dead.header("careloop_error_message") == "description: required")
        #expect(dead.header("careloop_original_topic") == topic)
        #expect(dead.header("careloop_original_partition") == "0")
        #expect(dead.header("careloop_original_offset") == "1")
    }

    @Test("a batch that fails for a passing reason is retried until it succeeds, and handled once")
    func transientRetry() async throws {
        let topic = try KafkaTestCluster.makeTopic(partitions: 1)
        let producer = try makeProducer()
        let handler = RecordingHandler { _, call in
            if call <= 3 { throw TransientFailure() }
            return []
        }
        let consumer = try makeConsumer(topic: topic, group: "g-\(UUID())", handler: handler, producer: producer)
        try await withRunning([producer, consumer]) {
            _ = await producer.send(records(topic: topic, count: 5))
            #expect(await eventually { handler.handled.count >= 5 })
        }
        #expect(handler.handled.count == 5)
        #expect(handler.calls >= 4)
    }

    @Test("a record that breaks its batch is isolated and dead-lettered as handler_failed")
    func poisonIsolation() async throws {
        let topic = try KafkaTestCluster.makeTopic(partitions: 1)
        let producer = try makeProducer()
        let handler = RecordingHandler { records, _ in
            if records.contains(where: { $0.value == Array("m-2".utf8) }) { throw BrokenRecord() }
            return []
        }
        let dltHandler = RecordingHandler()
        let consumer = try makeConsumer(topic: topic, group: "g-\(UUID())", handler: handler, producer: producer)
        let dltConsumer = try makeConsumer(topic: topic + ".dlt", group: "dlt-\(UUID())", handler: dltHandler, producer: producer)
        try await withRunning([producer, consumer, dltConsumer]) {
            _ = await producer.send(records(topic: topic, count: 5))
            #expect(await eventually { handler.handled.count >= 4 && dltHandler.handled.count >= 1 })
        }
        #expect(Set(handler.handled.map { String(decoding: $0.value ?? [], as: UTF8.self) }) == ["m-0", "m-1", "m-3", "m-4"])
        #expect(dltHandler.handled.first?.header("careloop_error_class") == "handler_failed")
    }

    @Test("offsets are committed only after the handler succeeded")
    func commitsOnlyAfterSuccess() async throws {
        let topic = try KafkaTestCluster.makeTopic(partitions: 2)
        let group = "g-\(UUID())"
        let producer = try makeProducer()
        // First member: handles the first 10 records, then stops; its offsets are committed.
        let first = RecordingHandler()
        try await withRunning([producer, try makeConsumer(topic: topic, group: group, handler: first, producer: producer)]) {
            _ = await producer.send(records(topic: topic, count: 10, prefix: "a"))
            #expect(await eventually { first.handled.count >= 10 })
        }
        // Second member: always fails, so nothing it sees is committed.
        let producer2 = try makeProducer()
        let failing = RecordingHandler { _, _ in throw TransientFailure() }
        try await withRunning([producer2, try makeConsumer(topic: topic, group: group, handler: failing, producer: producer2)]) {
            _ = await producer2.send(records(topic: topic, count: 4, prefix: "b"))
            #expect(await eventually { failing.calls >= 2 })
        }
        // Third member: gets exactly the 4 uncommitted records, none of the first 10.
        let producer3 = try makeProducer()
        let third = RecordingHandler()
        try await withRunning([producer3, try makeConsumer(topic: topic, group: group, handler: third, producer: producer3)]) {
            #expect(await eventually { third.handled.count >= 4 })
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(Set(third.handled.map { String(decoding: $0.value ?? [], as: UTF8.self) }) == ["b-0", "b-1", "b-2", "b-3"])
    }
}
