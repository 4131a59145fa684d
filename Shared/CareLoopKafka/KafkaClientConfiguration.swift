import CareLoopContracts

/// Settings shared by every Kafka client of a service: where the brokers are, who we are, and any
/// librdkafka property the operator wants to pass through (SASL, TLS, tuning).
package struct KafkaClientConfiguration: Sendable, Hashable {
    /// Comma-separated `host:port` list of bootstrap brokers.
    package var bootstrapServers: String
    /// `client.id` reported to the brokers.
    package var clientID: String = "careloop"
    /// How often librdkafka emits statistics into metrics; `nil` turns statistics off.
    package var statisticsInterval: Duration? = .seconds(15)
    /// Any librdkafka property, applied last so it overrides the defaults above (e.g. `security.protocol`).
    package var properties: [String: String] = [:]

    package init(bootstrapServers: String, clientID: String = "careloop", properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }

    /// The librdkafka properties these settings stand for, before any component-specific ones.
    var rdKafkaProperties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers,
            "client.id": clientID,
            "statistics.interval.ms": String(statisticsInterval?.wholeMilliseconds ?? 0),
        ]
        properties["log.connection.close"] = "false"
        return properties
    }
}

/// Producer settings: idempotent, `acks=all`, Java-compatible partitioning and librdkafka batching.
package struct ProducerConfiguration: Sendable, Hashable {
    /// How long librdkafka waits to fill a batch (`linger.ms`).
    package var linger: Duration = .milliseconds(5)
    /// How long a record may wait for delivery before it fails (`message.timeout.ms`).
    package var messageTimeout: Duration = .seconds(30)
    /// `compression.type`: none, gzip, snappy, lz4 or zstd.
    package var compression: String = "lz4"
    /// How long shutdown waits for outstanding deliveries.
    package var flushTimeout: Duration = .seconds(10)

    package init() {}

    /// The librdkafka properties of the producer; the contract fixes idempotence, acks and partitioner.
    func rdKafkaProperties(client: KafkaClientConfiguration) -> [String: String] {
        var properties = client.rdKafkaProperties
        properties["enable.idempotence"] = "true"
        properties["acks"] = "all"
        properties["partitioner"] = "murmur2_random"
        properties["linger.ms"] = String(linger.wholeMilliseconds)
        properties["message.timeout.ms"] = String(messageTimeout.wholeMilliseconds)
        properties["compression.type"] = compression
        return properties.merging(client.properties) { _, override in override }
    }
}

/// Consumer settings: a consumer group with cooperative-sticky assignment, manual offset storage and
/// batch hand-over.
package struct ConsumerConfiguration: Sendable, Hashable {
    /// The consumer group (`group.id`).
    package var groupID: String
    /// Topics to subscribe to.
    package var topics: [String]
    /// Most records handed to one handler call.
    package var maxBatch: Int = 2000
    /// How long one poll waits for the first record of a batch.
    package var pollTimeout: Duration = .milliseconds(100)
    /// How long a broker holds an empty fetch (`fetch.wait.max.ms`); small values cut latency.
    package var fetchWaitMax: Duration = .milliseconds(50)
    /// Where a group without committed offsets starts (`auto.offset.reset`).
    package var autoOffsetReset: String = "earliest"
    /// `session.timeout.ms`.
    package var sessionTimeout: Duration = .seconds(10)
    /// `max.poll.interval.ms`; the consumer keeps polling while it retries, so this is rarely hit.
    package var maxPollInterval: Duration = .seconds(300)
    /// First wait after a failed batch; doubles up to `maxRetryBackoff`.
    package var retryBackoff: Duration = .milliseconds(200)
    /// Longest wait between retries of a failed batch.
    package var maxRetryBackoff: Duration = .seconds(10)

    package init(groupID: String, topics: [String]) {
        self.groupID = groupID
        self.topics = topics
    }

    /// The librdkafka properties of the consumer; offsets are stored and committed by hand.
    func rdKafkaProperties(client: KafkaClientConfiguration) -> [String: String] {
        var properties = client.rdKafkaProperties
        properties["group.id"] = groupID
        properties["partition.assignment.strategy"] = "cooperative-sticky"
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        properties["enable.partition.eof"] = "false"
        properties["auto.offset.reset"] = autoOffsetReset
        properties["fetch.wait.max.ms"] = String(fetchWaitMax.wholeMilliseconds)
        properties["session.timeout.ms"] = String(sessionTimeout.wholeMilliseconds)
        properties["max.poll.interval.ms"] = String(maxPollInterval.wholeMilliseconds)
        return properties.merging(client.properties) { _, override in override }
    }
}
