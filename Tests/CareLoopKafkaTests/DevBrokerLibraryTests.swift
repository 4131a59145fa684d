import CareLoopContracts
import CareLoopDevBroker
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Testing

/// The `careloop-devbroker` executable on the librdkafka that `scripts/devbroker-librdkafka.sh` builds (CareLoop's
/// mock patch): which library it loads, and that fetches spanning many message sets deliver every record once, in
/// order, whatever the fetch limits.
@Suite("Dev broker executable: its librdkafka and fetches across many message sets", .timeLimit(.minutes(3)))
struct DevBrokerLibraryTests {
    /// `.build/devbroker-librdkafka/librdkafka.so.1`, beside the build configuration folders of the binaries tested.
    private var patchedLibrary: URL {
        ServiceProcess.binDirectory.resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("devbroker-librdkafka/librdkafka.so.1")
    }

    private func withBroker<T>(
        partitions: Int, settings: [String: String] = [:], _ body: (DevBrokerProcess) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("devbroker-lib-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try await DevBrokerProcess(directory: directory, brokers: 1, partitions: partitions, settings: settings)
        do {
            let result = try await body(broker)
            await broker.process.terminate(timeout: .seconds(10))
            return result
        } catch {
            await broker.process.terminate(timeout: .seconds(10))
            throw error
        }
    }

    /// A client of `broker` (no statistics).
    private func client(of broker: DevBrokerProcess, id: String) -> KafkaClientConfiguration {
        var client = KafkaClientConfiguration(bootstrapServers: broker.bootstrapServers, clientID: id)
        client.statisticsInterval = nil
        return client
    }

    /// Sends each of `values` to `topic` in a produce request of its own (so a message set each), key `k<index>`.
    private func produceOneByOne(_ values: [[UInt8]], to topic: String, client: KafkaClientConfiguration) async throws {
        var producerConfiguration = ProducerConfiguration()
        producerConfiguration.linger = .zero
        let producer = try KafkaProducer(client: client, configuration: producerConfiguration, logger: KafkaTestCluster.logger)
        try await withRunning([producer]) {
            for (index, value) in values.enumerated() {
                let result = await producer.send([ProducerRecord(topic: topic, key: Array("k\(index)".utf8), value: value, headers: [])])
                #expect(result.allSatisfy { (try? $0.get()) != nil })
            }
        }
    }

    /// Reads `topic` from its start with `client` until `done` holds for the records read, then 200 ms more (anything
    /// doubled would have arrived); returns the records.
    private func readAll(
        _ topic: String, client: KafkaClientConfiguration, deadLettersClient: KafkaClientConfiguration,
        until done: @escaping @Sendable ([ConsumedRecord]) -> Bool
    ) async throws -> [ConsumedRecord] {
        let handler = RecordingHandler()
        let deadLetters = try KafkaProducer(client: deadLettersClient, logger: KafkaTestCluster.logger)
        let consumer = try KafkaConsumer(
            client: client, configuration: KafkaTestCluster.consumerConfiguration(topics: [topic]), handler: handler,
            deadLetters: deadLetters, isTransient: { _ in false }, logger: KafkaTestCluster.logger)
        try await withRunning([deadLetters, consumer]) {
            #expect(await eventually { done(handler.handled) })
            try await Task.sleep(for: .milliseconds(200))
        }
        return handler.handled
    }

    @Test("loads the patched librdkafka when it was built, the system's otherwise, and says which in GET /cluster")
    func reportsItsLibrary() async throws {
        try await withBroker(partitions: 1) { broker in
            let library = try #require(await broker.library())
            #expect(library.version == "2.0.2")
            if FileManager.default.fileExists(atPath: patchedLibrary.path) {
                #expect(library.path == patchedLibrary.path)
                #expect(library.patch?.hasPrefix("2.0.2 ") == true)
            } else {
                #expect(library.path.hasPrefix("/usr/lib") || library.path.hasPrefix("/lib"))
                #expect(library.patch == nil)
            }
        }
    }

    @Test("a consumer far behind reads 300 one-record message sets once and in order, with fetch limits of 1 KB and 4 KB")
    func manyMessageSets() async throws {
        try await withBroker(partitions: 1) { broker in
            let topic = Topic.intake.rawValue
            let client = client(of: broker, id: "devbroker-lib-test")
            let values = (0..<300).map { "record-\($0)-" + String(repeating: "x", count: 200) }
            try await produceOneByOne(values.map { Array($0.utf8) }, to: topic, client: client)
            for (partitionBytes, totalBytes) in [(1_024, 4_096), (1_048_576, 52_428_800)] {
                var limited = client
                limited.properties["max.partition.fetch.bytes"] = String(partitionBytes)
                limited.properties["fetch.max.bytes"] = String(totalBytes)
                limited.properties["message.max.bytes"] = String(min(totalBytes, 1_000_000))  // at most fetch.max.bytes
                let count = values.count
                let handled = try await readAll(topic, client: limited, deadLettersClient: client) { $0.count >= count }
                let read = handled.map { String(decoding: $0.value ?? [], as: UTF8.self) }
                #expect(read == values, "limits \(partitionBytes)/\(totalBytes): \(read.count) records")
                #expect(handled.map(\.offset) == Array(0..<Int64(values.count)))
            }
        }
    }

    /// Produces `count` incompressible records of 100 KB (one message set each), then reads the topic from its start
    /// and returns how many records it still holds.
    private func recordsKept(producing count: Int, on broker: DevBrokerProcess) async throws -> Int {
        let topic = Topic.intake.rawValue
        let client = client(of: broker, id: "devbroker-retention-test")
        var generator = SystemRandomNumberGenerator()
        let values = (0..<count).map { _ in (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        try await produceOneByOne(values, to: topic, client: client)
        // The last record is always kept: once it arrived, everything still kept has.
        let last = Int64(count - 1)
        return try await readAll(topic, client: client, deadLettersClient: client) { $0.contains { $0.offset == last } }.count
    }

    @Test("with the patched librdkafka, a partition keeps devbroker.partitionMaxBytes of records: 6 MB all at 8 MiB, not at 1 MiB")
    func partitionRetention() async throws {
        guard FileManager.default.fileExists(atPath: patchedLibrary.path) else { return }  // Debian's keeps 5 MB, fixed
        let large = try await withBroker(partitions: 1, settings: ["CARELOOP_DEVBROKER_PARTITION_MAX_BYTES": String(8 << 20)]) { broker in
            try await recordsKept(producing: 60, on: broker)
        }
        #expect(large == 60, "6 MB fit in 8 MiB (the library's fixed 5 MB would drop some)")
        let small = try await withBroker(partitions: 1, settings: ["CARELOOP_DEVBROKER_PARTITION_MAX_BYTES": String(1 << 20)]) { broker in
            try await recordsKept(producing: 30, on: broker)
        }
        #expect(small < 30 && small > 0, "1 MiB holds about 10 of the 30 records of 100 KB, not \(small)")
    }
}
