import CRdKafka
import CareLoopContracts
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// An idempotent Kafka producer (`acks=all`, `murmur2_random`) whose `send` completes on the delivery
/// report. librdkafka batches records (`linger.ms`); a dedicated thread serves delivery reports.
///
/// - Important: run it as a `Service` (`run()`), started before and shut down after its users; shutdown
///   flushes outstanding records.
package final class KafkaProducer: Service, Sendable {
    private let client: RdKafkaClient
    private let configuration: ProducerConfiguration
    private let thread: BlockingThread
    private let logger: Logger
    /// `true` once shut down; guarded so no record is enqueued after the final flush.
    private let closed = Mutex(false)
    private let pollingStopped = Atomic<Bool>(false)

    package init(client: KafkaClientConfiguration, configuration: ProducerConfiguration = .init(), logger: Logger) throws(KafkaError) {
        self.configuration = configuration
        self.logger = logger
        self.client = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER, properties: configuration.rdKafkaProperties(client: client),
            callbacks: ClientCallbacks(logger: logger, clientKind: "producer")
        ) { conf in rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDeliveryCallback) }
        self.thread = BlockingThread(name: "careloop-kafka-producer")
    }

    /// A fatal producer error (for readiness), if librdkafka reported one.
    package var fatalError: String? { client.fatalError }

    /// Sends `records` and waits for their delivery reports; results come back in the same order.
    package func send(_ records: [ProducerRecord]) async -> [Result<DeliveryReport, KafkaError>] {
        guard !records.isEmpty else { return [] }
        let batch = DeliveryBatch(count: records.count)
        var index = 0
        while index < records.count {
            let outcome = closed.withLock { isClosed -> rd_kafka_resp_err_t? in
                guard !isClosed else { return nil }
                return enqueue(records[index], token: DeliveryToken(batch: batch, index: index))
            }
            switch outcome {
            case nil:
                for rest in index..<records.count { batch.complete(rest, .failure(KafkaError(.shutDown, "producer is shut down"))) }
                index = records.count
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                index += 1
            case RD_KAFKA_RESP_ERR__QUEUE_FULL:
                // librdkafka's local queue is full: let the poll thread drain delivery reports, then retry.
                try? await Task.sleep(for: .milliseconds(5))
            case let err?:
                batch.complete(index, .failure(.rdKafka(.produce, err, context: "enqueue to \(records[index].topic) failed")))
                index += 1
            }
        }
        let results = await batch.wait()
        let failed = results.count { if case .failure = $0 { true } else { false } }
        Counter(label: "careloop_kafka_produced_total", dimensions: [("outcome", "delivered")]).increment(by: records.count - failed)
        if failed > 0 {
            Counter(label: "careloop_kafka_produced_total", dimensions: [("outcome", "failed")]).increment(by: failed)
        }
        return results
    }

    /// Sends one record and returns where it landed.
    package func send(_ record: ProducerRecord) async throws(KafkaError) -> DeliveryReport {
        try await send([record])[0].get()
    }

    /// Enqueues one record into librdkafka; the token is released by the delivery callback.
    private func enqueue(_ record: ProducerRecord, token: DeliveryToken) -> rd_kafka_resp_err_t {
        let headers = rd_kafka_headers_new(record.headers.count)
        for header in record.headers {
            if let value = header.value {
                _ = value.withUnsafeBytes { rd_kafka_header_add(headers, header.key, -1, $0.baseAddress, $0.count) }
            } else {
                _ = rd_kafka_header_add(headers, header.key, -1, nil, 0)
            }
        }
        let opaque = Unmanaged.passRetained(token).toOpaque()
        let err = record.value.withUnsafeBytes { value in
            withKey(record.key) { keyPointer, keyLength in
                careloop_produce(client.handle, record.topic, keyPointer, keyLength, value.baseAddress, value.count, headers, opaque)
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_headers_destroy(headers)
            Unmanaged<DeliveryToken>.fromOpaque(opaque).release()
        }
        return err
    }

    private func withKey<T>(_ key: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> T) -> T {
        guard let key else { return body(nil, 0) }
        return key.withUnsafeBytes { body($0.baseAddress, $0.count) }
    }

    /// Serves delivery reports until graceful shutdown or cancellation, then flushes what is outstanding.
    package func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await self.thread.run {
                    while !self.pollingStopped.load(ordering: .acquiring) { rd_kafka_poll(self.client.handle, 50) }
                }
            } onGracefulShutdown: {
                self.pollingStopped.store(true, ordering: .releasing)
            }
        } onCancel: {
            self.pollingStopped.store(true, ordering: .releasing)
        }
        await shutdown()
    }

    /// Stops taking records, waits for outstanding deliveries (bounded by `flushTimeout`) and frees the handle.
    package func shutdown() async {
        pollingStopped.store(true, ordering: .releasing)
        let alreadyClosed = closed.withLock { isClosed -> Bool in
            defer { isClosed = true }
            return isClosed
        }
        guard !alreadyClosed else { return }
        let timeout = Int32(configuration.flushTimeout.wholeMilliseconds)
        let client = self.client
        let remaining = await thread.run { () -> Int32 in
            let handle = client.handle
            rd_kafka_flush(handle, timeout)
            let left = rd_kafka_outq_len(handle)
            if left > 0 {
                // Fail the rest explicitly so no sender waits forever.
                rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                rd_kafka_poll(handle, 0)
            }
            client.destroy()
            return left
        }
        thread.stop()
        if remaining > 0 {
            logger.error("Producer shut down with undelivered records", metadata: ["records": "\(remaining)"])
        } else {
            logger.info("Producer flushed and closed")
        }
    }
}
