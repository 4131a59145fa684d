import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Logging
import Synchronization

/// Reads the outbound topics and dead-letter topics from the beginning, with a fresh consumer group, up to the high
/// watermarks they had when the read started, and reduces every record to an observation.
package struct TopicSnapshot: Sendable {
    /// The topics the verifier reads (`careloop.intake.v1` only for where each submission landed).
    package static let topics = [Topic.cases, .workOrders, .intake.deadLetter, .cases.deadLetter, .intake].map(\.rawValue)

    package let bootstrapServers: String
    package let logger: Logger

    package init(bootstrapServers: String, logger: Logger) {
        self.bootstrapServers = bootstrapServers
        self.logger = logger
    }

    /// Reads `topics` to their current end; throws when that takes longer than `timeout`.
    package func read(topics: [String] = TopicSnapshot.topics, timeout: Duration = .seconds(120)) async throws -> Observations {
        let ends = try await TopicWatermarks.fetch(bootstrapServers: bootstrapServers, topics: topics)
            .filter { $0.value.high > $0.value.low }
        let collector = SnapshotCollector()
        defer {
            if !truncated(ends).isEmpty { logger.warning("Topics no longer hold their oldest records", metadata: ["dropped": "\(truncated(ends))"]) }
        }
        guard !ends.isEmpty else { return collector.observations }
        var client = KafkaClientConfiguration(bootstrapServers: bootstrapServers, clientID: "careloop-harness-verifier")
        client.statisticsInterval = nil
        var configuration = ConsumerConfiguration(groupID: "careloop-harness-verify-\(UUID().uuidString.prefix(8))", topics: topics)
        configuration.maxBatch = 5_000
        configuration.fetchWaitMax = .milliseconds(10)
        configuration.pollTimeout = .milliseconds(50)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let producer = try KafkaProducer(client: client, logger: quiet)
        let consumer = try KafkaConsumer(
            client: client, configuration: configuration, handler: collector, deadLetters: producer, isTransient: { _ in true },
            logger: quiet)
        let complete = try await withRunning([producer, consumer]) {
            await eventually(timeout: timeout) { HarnessInterrupt.isRequested || collector.hasReached(ends) }
        }
        guard complete, !HarnessInterrupt.isRequested else {
            throw HarnessError("reading \(topics.joined(separator: ", ")) did not reach the end within \(timeout): \(collector.progress(ends))")
        }
        logger.info("Topics read", metadata: ["records": "\(collector.recordCount)"])
        var observations = collector.observations
        observations.truncated = truncated(ends)
        return observations
    }

    /// Records dropped before the low watermark, per topic.
    private func truncated(_ ends: [TopicPartition: TopicWatermarks.Range]) -> [String: Int64] {
        Dictionary(grouping: ends.filter { $0.value.low > 0 }, by: \.key.topic).mapValues { $0.reduce(0) { $0 + $1.value.low } }
    }
}

/// Turns consumed records into observations and remembers how far each partition was read.
final class SnapshotCollector: RecordBatchHandler {
    private struct State {
        var observations = Observations()
        var nextOffsets: [TopicPartition: Int64] = [:]
        var records = 0
    }

    private let state = Mutex(State())

    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        var caseEvents: [CaseEventObservation] = []
        var workOrders: [WorkOrderObservation] = []
        var deadLetters: [DeadLetterObservation] = []
        var unreadable = 0
        var submissions: [(String, SubmissionPosition)] = []
        for record in records {
            if record.topic == Topic.intake.rawValue {
                if let id = record.header(CloudEvent.HeaderName.id) {
                    submissions.append((id, SubmissionPosition(partition: record.partition, offset: record.offset)))
                }
            } else if record.topic.hasSuffix(Topic.deadLetterSuffix) {
                deadLetters.append(ObservationDecoder.deadLetter(record))
            } else if record.topic == Topic.workOrders.rawValue {
                if let event = ObservationDecoder.workOrderEvent(record) { workOrders.append(event) } else { unreadable += 1 }
            } else if let event = ObservationDecoder.caseEvent(record) {
                caseEvents.append(event)
            } else {
                unreadable += 1
            }
        }
        state.withLock { state in
            state.observations.caseEvents += caseEvents
            state.observations.workOrderEvents += workOrders
            state.observations.deadLetters += deadLetters
            state.observations.unreadable += unreadable
            if state.observations.submissionsOnTopic == nil { state.observations.submissionsOnTopic = [:] }
            for (id, position) in submissions { state.observations.submissionsOnTopic?[id, default: []].append(position) }
            state.records += records.count
            for record in records {
                let partition = TopicPartition(topic: record.topic, partition: record.partition)
                state.nextOffsets[partition] = max(state.nextOffsets[partition] ?? 0, record.offset + 1)
            }
        }
        return []
    }

    var observations: Observations { state.withLock { $0.observations } }
    var recordCount: Int { state.withLock { $0.records } }

    func hasReached(_ ends: [TopicPartition: TopicWatermarks.Range]) -> Bool {
        state.withLock { state in ends.allSatisfy { (state.nextOffsets[$0.key] ?? 0) >= $0.value.high } }
    }

    func progress(_ ends: [TopicPartition: TopicWatermarks.Range]) -> String {
        state.withLock { state in
            ends.filter { (state.nextOffsets[$0.key] ?? 0) < $0.value.high }
                .map { "\($0.key) at \(state.nextOffsets[$0.key] ?? 0) of \($0.value.high)" }.sorted().joined(separator: ", ")
        }
    }
}
