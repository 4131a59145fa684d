// careloop-kafka-bench: bare produce → consume round trip through CareLoop's Kafka layer.
//
//   careloop-kafka-bench [--messages N] [--size BYTES] [--bootstrap HOST:PORT,…] [--topic NAME]
//
// Without --bootstrap it hosts its own mock cluster (as the dev broker does); with it, use a topic the
// dev broker created (e.g. CARELOOP_DEVBROKER_PARTITIONS=bench.devbroker=6,bench.devbroker.dlt=6). Prints messages/s for
// producing (delivery reports included) and for the whole round trip to the consumer's handler.
import CareLoopContracts
import CareLoopDevBroker
import CareLoopKafka
import Foundation
import Logging
import Synchronization

struct Options {
    var messages = 200_000
    var size = 256
    var bootstrap: String?
    var topic: String?

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--messages": messages = Int(iterator.next() ?? "") ?? -1
            case "--size": size = Int(iterator.next() ?? "") ?? -1
            case "--bootstrap": bootstrap = iterator.next()
            case "--topic": topic = iterator.next()
            default: throw BenchError("unknown argument \(argument); use --messages N --size BYTES --bootstrap SERVERS --topic NAME")
            }
        }
        guard messages > 0 else { throw BenchError("--messages needs a positive number") }
        guard size > 0 else { throw BenchError("--size needs a positive number") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Counts handled records and notes when the last one arrived.
final class CountingHandler: RecordBatchHandler {
    let count = Atomic<Int>(0)
    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        count.add(records.count, ordering: .relaxed)
        return []
    }
}

func bench(_ options: Options) async throws {
    var logger = Logger(label: "careloop.bench")
    logger.logLevel = .warning
    let cluster = options.bootstrap == nil ? try MockCluster(brokers: 3) : nil
    let bootstrap = options.bootstrap ?? cluster!.bootstrapServers
    let topic = options.topic ?? "bench.\(UUID().uuidString.prefix(8).lowercased())"
    try cluster?.createTopic(topic, partitions: 6)
    try cluster?.createTopic(topic + ".dlt", partitions: 6)
    var client = KafkaClientConfiguration(bootstrapServers: bootstrap, clientID: "careloop-bench")
    client.statisticsInterval = nil
    let producer = try KafkaProducer(client: client, logger: logger)
    let handler = CountingHandler()
    var consumerConfiguration = ConsumerConfiguration(groupID: "bench-\(UUID())", topics: [topic])
    consumerConfiguration.fetchWaitMax = .milliseconds(10)
    let consumer = try KafkaConsumer(
        client: client, configuration: consumerConfiguration, handler: handler, deadLetters: producer,
        isTransient: { _ in true }, logger: logger)
    let payload = [UInt8](repeating: 0x61, count: options.size)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await producer.run() }
        group.addTask { try await consumer.run() }
        // Wait for the consumer to join its group before timing.
        while consumer.assignedPartitions.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        let clock = ContinuousClock()
        let start = clock.now
        var failed = 0
        let chunk = 5_000
        for first in stride(from: 0, to: options.messages, by: chunk) {
            let records = (first..<min(first + chunk, options.messages)).map { index in
                ProducerRecord(topic: topic, key: Array("key-\(index % 1024)".utf8), value: payload)
            }
            failed += await producer.send(records).count { if case .failure = $0 { true } else { false } }
        }
        let produced = clock.now - start
        while handler.count.load(ordering: .relaxed) < options.messages - failed {
            try await Task.sleep(for: .milliseconds(5))
        }
        let roundTrip = clock.now - start
        func rate(_ duration: Duration) -> String {
            let seconds = duration.timeInterval
            return String(format: "%.0f msg/s (%.2f s)", Double(options.messages) / seconds, seconds)
        }
        print("messages: \(options.messages) x \(options.size) B, failed deliveries: \(failed), brokers: \(bootstrap)")
        print("produce (acks=all, idempotent, delivery reports awaited): \(rate(produced))")
        print("round trip (produce → consumer handler, offsets committed): \(rate(roundTrip))")
        group.cancelAll()
    }
    cluster?.shutdown()
}

do {
    try await bench(try Options(CommandLine.arguments))
} catch {
    FileHandle.standardError.write(Data("careloop-kafka-bench: \(error)\n".utf8))
    exit(1)
}
