import CRdKafka
import Foundation
import CareLoopKafka
import Synchronization

/// librdkafka's built-in mock Kafka cluster, reachable over real TCP on loopback, with fault injection; its
/// connections get `TCP_NODELAY` (see ``SocketNoDelay``).
///
/// `@unchecked Sendable`: librdkafka's mock API is thread-safe (every call is a request to the mock
/// cluster's own thread); the handles are destroyed once, by `shutdown()`.
package final class MockCluster: @unchecked Sendable {
    private let host: OpaquePointer
    private let cluster: OpaquePointer
    private let topicsCreated = Mutex<[String: Int]>([:])
    private let isShutDown = Mutex(false)
    private let noDelay: Task<Void, Never>
    /// Comma-separated `host:port` list for clients' `bootstrap.servers`.
    package let bootstrapServers: String
    /// Broker ids, 1…n.
    package let brokerIDs: [Int32]

    /// Starts a mock cluster of `brokers` brokers whose partitions keep up to `partitionMaxBytes` each (honoured by
    /// CareLoop's patched librdkafka, read when a partition is created; `nil` leaves the library's 5 MB).
    package init(brokers: Int, partitionMaxBytes: Int? = nil) throws(KafkaError) {
        guard (1...9).contains(brokers) else { throw KafkaError(.mockCluster, "broker count must be 1...9, not \(brokers)") }
        if let partitionMaxBytes {
            setenv("CARELOOP_MOCK_PARTITION_MAX_BYTES", String(partitionMaxBytes), 1)
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let conf = rd_kafka_conf_new()
        _ = rd_kafka_conf_set(conf, "log_level", "3", &errorBuffer, errorBuffer.count)
        // The host handle only carries the cluster; it never talks to a broker.
        guard let host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorBuffer, errorBuffer.count) else {
            throw KafkaError(.mockCluster, "cannot create the host handle: \(String(cString: errorBuffer))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(host, Int32(brokers)) else {
            rd_kafka_destroy(host)
            throw KafkaError(.mockCluster, "rd_kafka_mock_cluster_new failed")
        }
        self.host = host
        self.cluster = cluster
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.brokerIDs = (1...Int32(brokers)).map { $0 }
        self.noDelay = SocketNoDelay.keepSweeping(every: .milliseconds(50))
    }

    /// Creates `topic` with `partitions` partitions (replicated on up to 3 brokers).
    package func createTopic(_ topic: String, partitions: Int) throws(KafkaError) {
        let replication = Int32(min(3, brokerIDs.count))
        let err = rd_kafka_mock_topic_create(cluster, topic, Int32(partitions), replication)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.mockCluster, "create topic \(topic): \(String(cString: rd_kafka_err2name(err)))")
        }
        topicsCreated.withLock { $0[topic] = partitions }
    }

    /// Topics created through `createTopic`, with their partition counts.
    package var topics: [String: Int] { topicsCreated.withLock { $0 } }

    /// Takes a broker down: its connections close and it refuses new ones until `setBrokerUp`.
    package func setBrokerDown(_ broker: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster, broker), "broker \(broker) down")
    }

    /// Brings a broker back up.
    package func setBrokerUp(_ broker: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(cluster, broker), "broker \(broker) up")
    }

    /// Adds a round-trip delay to every response of `broker`.
    package func setRoundTripTime(broker: Int32, milliseconds: Int) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_rtt(cluster, broker, Int32(milliseconds)), "broker \(broker) rtt")
    }

    /// Makes the next `errors.count` requests of API `apiKey` (e.g. 0 = Produce, 1 = Fetch) fail with these errors.
    package func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
        }
    }

    /// Removes pending injected errors for `apiKey`.
    package func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }

    /// Stops the cluster; clients lose their connections.
    package func shutdown() {
        let first = isShutDown.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        noDelay.cancel()
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(host)
    }

    private func check(_ err: rd_kafka_resp_err_t, _ action: String) throws(KafkaError) {
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.mockCluster, "\(action): \(String(cString: rd_kafka_err2name(err)))")
        }
    }

    /// The librdkafka error code for a name such as `NOT_LEADER_FOR_PARTITION` or `_TRANSPORT`, if any.
    package static func errorCode(named name: String) -> Int32? {
        if let number = Int32(name) { return number }
        let wanted = name.uppercased()
        for code in Int32(-200)...Int32(200) {
            let candidate = String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
            if candidate == wanted || candidate == "_" + wanted { return code }
        }
        return nil
    }

    /// Kafka API keys the control API accepts by name.
    package static let apiKeys: [String: Int16] = [
        "Produce": 0, "Fetch": 1, "ListOffsets": 2, "Metadata": 3, "OffsetCommit": 8, "OffsetFetch": 9,
        "FindCoordinator": 10, "JoinGroup": 11, "Heartbeat": 12, "LeaveGroup": 13, "SyncGroup": 14,
        "ApiVersions": 18, "InitProducerId": 22,
    ]
}
