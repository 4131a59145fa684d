import Foundation
import Metrics

/// Turns librdkafka's periodic statistics JSON into Prometheus-style metrics.
enum KafkaStatistics {
    /// Records the producer queue depth and the consumer lag per partition from one statistics document.
    static func record(_ json: Data, client: String) {
        guard let document = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return }
        if let queued = document["msg_cnt"] as? Int {
            Gauge(label: "careloop_kafka_queue_messages", dimensions: [("client", client)]).record(queued)
        }
        guard let topics = document["topics"] as? [String: Any] else { return }
        for (topic, value) in topics {
            guard let partitions = (value as? [String: Any])?["partitions"] as? [String: Any] else { continue }
            for (partition, stats) in partitions where partition != "-1" {
                guard let stats = stats as? [String: Any], let lag = stats["consumer_lag"] as? Int, lag >= 0 else { continue }
                Gauge(
                    label: "careloop_kafka_consumer_lag_messages",
                    dimensions: [("client", client), ("topic", topic), ("partition", partition)]
                ).record(lag)
            }
        }
    }
}
