import CRdKafka
import CareLoopKafka
import CareLoopTestSupport
import Foundation

/// Partition counts and low/high watermarks of topics, asked from the brokers with a short-lived librdkafka handle
/// (the verifier reads each partition up to the high watermark it saw when it started).
package enum TopicWatermarks {
    /// Low and high watermark of one partition (`high` is the offset the next record will get).
    package struct Range: Sendable, Hashable {
        package var low: Int64
        package var high: Int64
    }

    /// The watermarks of every partition of `topics`; a topic the cluster does not know has no partitions.
    package static func fetch(bootstrapServers: String, topics: [String], timeout: Duration = .seconds(10)) async throws -> [TopicPartition: Range] {
        try await runBlocking { try fetchBlocking(bootstrapServers: bootstrapServers, topics: topics, timeout: timeout) }
    }

    /// The number of partitions of `topic`.
    package static func partitionCount(bootstrapServers: String, topic: String, timeout: Duration = .seconds(10)) async throws -> Int {
        try await fetch(bootstrapServers: bootstrapServers, topics: [topic], timeout: timeout).count
    }

    /// How many records of `topics` the consumer group `groupID` has not committed yet (high watermark minus
    /// committed offset, summed over partitions); `nil` when the group has committed nothing at all (it does not
    /// consume these topics, or has not started).
    package static func lag(bootstrapServers: String, groupID: String, topics: [String], timeout: Duration = .seconds(10)) async throws -> Int? {
        try await runBlocking {
            try withClient(bootstrapServers: bootstrapServers, groupID: groupID) { handle in
                let ends = try watermarks(handle, topics: topics, timeout: timeout)
                guard !ends.isEmpty else { return 0 }
                let list = rd_kafka_topic_partition_list_new(Int32(ends.count))!
                defer { rd_kafka_topic_partition_list_destroy(list) }
                for partition in ends.keys { rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition) }
                let err = rd_kafka_committed(handle, list, Int32(timeout.components.seconds * 1000))
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw HarnessError("committed offsets of \(groupID): \(String(cString: rd_kafka_err2str(err)))")
                }
                var lag = 0
                var committedAny = false
                for index in 0..<Int(list.pointee.cnt) {
                    let element = list.pointee.elems[index]
                    let key = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
                    guard let range = ends[key] else { continue }
                    if element.offset >= 0 {
                        committedAny = true
                        lag += Int(max(0, range.high - element.offset))
                    } else {
                        lag += Int(range.high - range.low)
                    }
                }
                return committedAny ? lag : nil
            }
        }
    }

    private static func fetchBlocking(bootstrapServers: String, topics: [String], timeout: Duration) throws -> [TopicPartition: Range] {
        try withClient(bootstrapServers: bootstrapServers, groupID: nil) { try watermarks($0, topics: topics, timeout: timeout) }
    }

    /// Runs `body` with a short-lived consumer handle (it never subscribes or joins a group).
    private static func withClient<T>(bootstrapServers: String, groupID: String?, _ body: (OpaquePointer) throws -> T) throws -> T {
        var error = [CChar](repeating: 0, count: 512)
        guard let conf = rd_kafka_conf_new() else { throw HarnessError("rd_kafka_conf_new failed") }
        var properties = [("bootstrap.servers", bootstrapServers), ("client.id", "careloop-harness-watermarks"), ("log.connection.close", "false")]
        if let groupID { properties.append(("group.id", groupID)) }
        for (key, value) in properties {
            guard rd_kafka_conf_set(conf, key, value, &error, error.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                throw HarnessError("Kafka property \(key): \(text(error))")
            }
        }
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &error, error.count) else {
            rd_kafka_conf_destroy(conf)
            throw HarnessError("could not create a Kafka client: \(text(error))")
        }
        defer { rd_kafka_destroy(handle) }
        return try body(handle)
    }

    private static func watermarks(_ handle: OpaquePointer, topics: [String], timeout: Duration) throws -> [TopicPartition: Range] {
        let milliseconds = Int32(timeout.components.seconds * 1000)
        var result: [TopicPartition: Range] = [:]
        for topic in topics {
            guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else { continue }
            defer { rd_kafka_topic_destroy(topicHandle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(handle, 0, topicHandle, &metadata, milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw HarnessError("metadata of \(topic): \(String(cString: rd_kafka_err2str(err)))")
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            guard metadata.pointee.topic_cnt > 0, metadata.pointee.topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let partitions = Int(metadata.pointee.topics[0].partition_cnt)
            for index in 0..<partitions {
                let partition = metadata.pointee.topics[0].partitions[index].id
                var low: Int64 = 0
                var high: Int64 = 0
                let watermarkError = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, milliseconds)
                guard watermarkError == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw HarnessError("watermarks of \(topic)[\(partition)]: \(String(cString: rd_kafka_err2str(watermarkError)))")
                }
                result[TopicPartition(topic: topic, partition: partition)] = Range(low: low, high: high)
            }
        }
        return result
    }
}

/// A NUL-terminated C error buffer as a string.
private func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
