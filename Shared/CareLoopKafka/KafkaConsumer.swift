import CRdKafka
import CareLoopContracts
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// A consumer-group member that polls in batches on a dedicated thread and hands each batch to a
/// `RecordBatchHandler`. Offsets are stored and committed only after the handler returned (its
/// transaction committed); rejected records go to `<topic>.dlt`; failed batches are retried with the
/// partitions paused so the member stays in its group.
package final class KafkaConsumer: Service, Sendable {
    private let client: RdKafkaClient
    private let configuration: ConsumerConfiguration
    private let handler: any RecordBatchHandler
    private let deadLetters: KafkaProducer
    private let isTransient: @Sendable (any Error) -> Bool
    private let logger: Logger
    private let thread: BlockingThread
    private let assignment: PartitionAssignment
    private let stopping = Atomic<Bool>(false)
    private let subscribed = Atomic<Bool>(false)

    /// - Parameters:
    ///   - deadLetters: the producer used for `<topic>.dlt` records.
    ///   - isTransient: tells a passing failure (retry the batch) from a broken record (isolate and dead-letter it).
    package init(
        client: KafkaClientConfiguration, configuration: ConsumerConfiguration, handler: any RecordBatchHandler,
        deadLetters: KafkaProducer, isTransient: @escaping @Sendable (any Error) -> Bool, logger: Logger
    ) throws(KafkaError) {
        let callbacks = ClientCallbacks(logger: logger, clientKind: "consumer")
        let assignment = PartitionAssignment()
        self.client = try RdKafkaClient(
            type: RD_KAFKA_CONSUMER, properties: configuration.rdKafkaProperties(client: client), callbacks: callbacks
        ) { conf in rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback) }
        callbacks.rebalance.withLock { hook in
            hook = { handle, err, list in
                Self.rebalance(handle: handle, err: err, list: list, assignment: assignment, logger: logger)
            }
        }
        rd_kafka_poll_set_consumer(self.client.handle)
        self.configuration = configuration
        self.handler = handler
        self.deadLetters = deadLetters
        self.isTransient = isTransient
        self.logger = logger
        self.assignment = assignment
        self.thread = BlockingThread(name: "careloop-kafka-consumer")
    }

    /// Whether the consumer subscribed and has no fatal error (for readiness).
    package var isReady: Bool { subscribed.load(ordering: .acquiring) && client.fatalError == nil }

    /// The partitions currently assigned to this member.
    package var assignedPartitions: Set<TopicPartition> { assignment.partitions.withLock { $0 } }

    /// Subscribes, then polls and handles batches until graceful shutdown or cancellation; then commits and closes.
    package func run() async throws {
        try await subscribe()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await self.consumeLoop()
            } onGracefulShutdown: {
                self.stopping.store(true, ordering: .releasing)
            }
        } onCancel: {
            self.stopping.store(true, ordering: .releasing)
        }
        await close()
    }

    private func subscribe() async throws {
        let client = self.client
        let topics = configuration.topics
        let err = await thread.run { () -> rd_kafka_resp_err_t in
            let handle = client.handle
            let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for topic in topics { rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA) }
            return rd_kafka_subscribe(handle, list)
        }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(.consumer, err, context: "subscribe to \(topics)") }
        subscribed.store(true, ordering: .releasing)
        logger.info("Consumer subscribed", metadata: ["topics": "\(topics.joined(separator: ","))", "group": "\(configuration.groupID)"])
    }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    private func consumeLoop() async {
        var carried: [ConsumedRecord] = []
        while !isStopping {
            let records = carried.isEmpty ? await poll(max: configuration.maxBatch, timeout: configuration.pollTimeout) : carried
            carried = []
            guard !records.isEmpty else { continue }
            let start = ContinuousClock.now
            guard let strays = await process(records) else { return }  // stopped before the batch was done
            commit(records)
            Counter(label: "careloop_kafka_consumed_total", dimensions: [("group", configuration.groupID)]).increment(by: records.count)
            Timer(label: "careloop_kafka_batch_seconds", dimensions: [("group", configuration.groupID)])
                .recordNanoseconds(Int64((ContinuousClock.now - start).wholeNanoseconds))
            carried = strays
        }
    }

    /// Handles a batch until it succeeds. Returns records that arrived while the partitions were paused
    /// (to handle next), or `nil` when shutdown interrupted the retries (offsets stay uncommitted).
    private func process(_ records: [ConsumedRecord]) async -> [ConsumedRecord]? {
        var strays: [ConsumedRecord] = []
        var backoff = configuration.retryBackoff
        while true {
            let live = onlyAssigned(records)
            guard !live.isEmpty else { return strays }
            do {
                let rejections = try await handler.handle(live)
                guard await deadLetter(rejections) else { return nil }
                return strays
            } catch where !isTransient(error) {
                // A broken record (not a passing failure): isolate it so the rest of the batch goes on.
                if live.count == 1 {
                    let rejection = RecordRejection(record: live[0], errorClass: "handler_failed", message: "\(error)")
                    guard await deadLetter([rejection]) else { return nil }
                    return strays
                }
                logger.warning("Batch failed; handling its records one by one", metadata: ["error": "\(error)"])
                for record in live {
                    guard let more = await process([record]) else { return nil }
                    strays += more
                }
                return strays
            } catch {
                Counter(label: "careloop_kafka_batch_retries_total", dimensions: [("group", configuration.groupID)]).increment()
                logger.warning("Batch failed; retrying", metadata: ["error": "\(error)", "backoff_ms": "\(backoff.wholeMilliseconds)"])
                strays += await pausedWait(backoff)
                if isStopping { return nil }
                backoff = min(backoff * 2, configuration.maxRetryBackoff)
            }
        }
    }

    /// Publishes rejected records to their dead-letter topics, retrying until delivered or stopped.
    private func deadLetter(_ rejections: [RecordRejection]) async -> Bool {
        guard !rejections.isEmpty else { return true }
        let records = rejections.map(DeadLetterRecord.make)
        var backoff = configuration.retryBackoff
        while true {
            let failures = await deadLetters.send(records).compactMap { result -> KafkaError? in
                if case .failure(let error) = result { return error } else { return nil }
            }
            if failures.isEmpty {
                for rejection in rejections {
                    Counter(
                        label: "careloop_kafka_dead_lettered_total",
                        dimensions: [("topic", rejection.record.topic), ("error_class", rejection.errorClass)]
                    ).increment()
                    logger.warning(
                        "Record dead-lettered",
                        metadata: [
                            "topic": "\(rejection.record.topic)", "partition": "\(rejection.record.partition)",
                            "offset": "\(rejection.record.offset)", "error_class": "\(rejection.errorClass)",
                        ])
                }
                return true
            }
            // At-least-once: a retry may dead-letter a record twice, never zero times.
            logger.error("Dead-letter publish failed; retrying", metadata: ["error": "\(failures[0])"])
            _ = await pausedWait(backoff)
            if isStopping { return false }
            backoff = min(backoff * 2, configuration.maxRetryBackoff)
        }
    }

    /// Waits for `duration` with every assigned partition paused, polling so the member keeps its
    /// group membership and serves rebalances. Returns any record that still arrived.
    private func pausedWait(_ duration: Duration) async -> [ConsumedRecord] {
        let deadline = ContinuousClock.now + duration
        setPaused(true)
        var strays: [ConsumedRecord] = []
        while ContinuousClock.now < deadline && !isStopping {
            strays += await poll(max: configuration.maxBatch, timeout: .milliseconds(100))
        }
        setPaused(false)
        return strays
    }

    private func setPaused(_ paused: Bool) {
        let partitions = Dictionary(uniqueKeysWithValues: assignedPartitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
        guard !partitions.isEmpty else { return }
        let handle = client.handle
        let err = TopicPartitionList.with(partitions) { list in
            paused ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("Pause/resume failed", metadata: ["error": "\(String(cString: rd_kafka_err2name(err)))"])
        }
    }

    private func onlyAssigned(_ records: [ConsumedRecord]) -> [ConsumedRecord] {
        let assigned = assignedPartitions
        return records.filter { assigned.contains(TopicPartition(topic: $0.topic, partition: $0.partition)) }
    }

    /// Stores the next offset of every handled partition still assigned, then commits asynchronously.
    private func commit(_ records: [ConsumedRecord]) {
        var next: [TopicPartition: Int64] = [:]
        for record in onlyAssigned(records) {
            let partition = TopicPartition(topic: record.topic, partition: record.partition)
            next[partition] = max(next[partition] ?? 0, record.offset + 1)
        }
        guard !next.isEmpty else { return }
        let handle = client.handle
        let err = TopicPartitionList.with(next) { list in rd_kafka_offsets_store(handle, list) }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("Offset store failed", metadata: ["error": "\(String(cString: rd_kafka_err2name(err)))"])
        }
        _ = rd_kafka_commit(handle, nil, 1)
    }

    /// Polls up to `max` records: waits up to `timeout` for the first, then takes what is already fetched.
    private func poll(max: Int, timeout: Duration) async -> [ConsumedRecord] {
        let client = self.client
        let logger = self.logger
        let firstTimeout = Int32(timeout.wholeMilliseconds)
        return await thread.run {
            let handle = client.handle
            var records: [ConsumedRecord] = []
            records.reserveCapacity(max)
            var wait = firstTimeout
            while records.count < max, let message = rd_kafka_consumer_poll(handle, wait) {
                defer { rd_kafka_message_destroy(message) }
                wait = 0
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    records.append(ConsumedRecord(message))
                } else if message.pointee.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    logger.warning(
                        "Consumer error", metadata: ["error": "\(String(cString: rd_kafka_err2name(message.pointee.err)))"])
                }
            }
            return records
        }
    }

    /// Commits what was handled and leaves the group.
    private func close() async {
        let client = self.client
        await thread.run {
            _ = rd_kafka_commit(client.handle, nil, 0)
            _ = rd_kafka_consumer_close(client.handle)
            client.destroy()
        }
        thread.stop()
        logger.info("Consumer closed", metadata: ["group": "\(configuration.groupID)"])
    }

    /// Applies a rebalance: incremental (cooperative) or eager; commits handled offsets before giving
    /// partitions up, unless they were lost.
    private static func rebalance(
        handle: OpaquePointer, err: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        assignment: PartitionAssignment, logger: Logger
    ) {
        let partitions = TopicPartitionList.partitions(of: list)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative { consumeError(rd_kafka_incremental_assign(handle, list)) } else { _ = rd_kafka_assign(handle, list) }
            assignment.partitions.withLock { $0.formUnion(partitions) }
            logger.info("Partitions assigned", metadata: ["partitions": "\(partitions.map(\.description).sorted())"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if rd_kafka_assignment_lost(handle) == 0 { _ = rd_kafka_commit(handle, nil, 0) }
            if cooperative { consumeError(rd_kafka_incremental_unassign(handle, list)) } else { _ = rd_kafka_assign(handle, nil) }
            assignment.partitions.withLock { $0.subtract(partitions) }
            logger.info("Partitions revoked", metadata: ["partitions": "\(partitions.map(\.description).sorted())"])
        default:
            _ = rd_kafka_assign(handle, nil)
            assignment.partitions.withLock { $0.removeAll() }
            logger.error("Rebalance error", metadata: ["error": "\(String(cString: rd_kafka_err2name(err)))"])
        }
    }

    private static func consumeError(_ error: OpaquePointer?) {
        if let error { rd_kafka_error_destroy(error) }
    }
}

/// The partitions a consumer owns, updated by the rebalance callback on the poll thread.
final class PartitionAssignment: Sendable {
    let partitions = Mutex<Set<TopicPartition>>([])
}

private let rdKafkaRebalanceCallback: @convention(c) (
    OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
) -> Void = { handle, err, list, opaque in
    guard let handle, let list, let callbacks = ClientCallbacks.from(opaque),
        let hook = callbacks.rebalance.withLock({ $0 })
    else { return }
    hook(handle, err, list)
}

extension ConsumedRecord {
    /// Copies a librdkafka message into Swift values.
    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let raw = message.pointee
        var headers: [RecordHeader] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(message, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                headers.append(RecordHeader(key: name.map { String(cString: $0) } ?? "", value: bytes))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        self.init(
            topic: raw.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "",
            partition: raw.partition,
            offset: raw.offset,
            key: raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) },
            value: raw.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.len)) },
            headers: headers,
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        )
    }
}
