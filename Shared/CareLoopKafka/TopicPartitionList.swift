import CRdKafka

/// Swift views of librdkafka's `rd_kafka_topic_partition_list_t`.
enum TopicPartitionList {
    /// Reads the topics and partitions of a list (offsets are ignored).
    static func partitions(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        let count = Int(list.pointee.cnt)
        return (0..<count).compactMap { index -> TopicPartition? in
            let element = list.pointee.elems[index]
            guard let topic = element.topic else { return nil }
            return TopicPartition(topic: String(cString: topic), partition: element.partition)
        }
    }

    /// Runs `body` with a new list holding `offsets`, then frees it.
    static func with<T>(
        _ offsets: [TopicPartition: Int64], _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> T
    ) -> T {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in offsets {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)
            element?.pointee.offset = offset
        }
        return body(list)
    }
}
