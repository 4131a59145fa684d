import CareLoopContracts

/// A Kafka record to publish once the transaction that wrote it commits.
package struct OutboxMessage: Sendable, Hashable {
    /// Destination topic.
    package var topic: String
    /// Record key (partitioning and per-key order); `nil` for none.
    package var key: [UInt8]?
    /// Record value.
    package var value: [UInt8]
    /// Record headers, in order.
    package var headers: [RecordHeader]

    /// Creates a message.
    package init(topic: String, key: [UInt8]?, value: [UInt8], headers: [RecordHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }
}
