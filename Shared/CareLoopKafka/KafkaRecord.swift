import CareLoopContracts

/// A record to produce.
package struct ProducerRecord: Sendable, Hashable {
    package var topic: String
    package var key: [UInt8]?
    package var value: [UInt8]
    package var headers: [RecordHeader]

    package init(topic: String, key: [UInt8]?, value: [UInt8], headers: [RecordHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// Where a produced record landed.
package struct DeliveryReport: Sendable, Hashable {
    package var topic: String
    package var partition: Int32
    package var offset: Int64
}

/// A record read from a topic, with where it came from.
package struct ConsumedRecord: Sendable, Hashable {
    package var topic: String
    package var partition: Int32
    package var offset: Int64
    package var key: [UInt8]?
    package var value: [UInt8]?
    package var headers: [RecordHeader]
    /// Broker or producer timestamp, milliseconds since the epoch, when known.
    package var timestampMilliseconds: Int64?

    package init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// The value of the first header named `key`, decoded as UTF-8.
    package func header(_ key: String) -> String? {
        headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// A topic and partition.
package struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    package var topic: String
    package var partition: Int32
    package init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    package var description: String { "\(topic)[\(partition)]" }
}
