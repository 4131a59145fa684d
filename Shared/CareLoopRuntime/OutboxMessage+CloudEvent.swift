import CareLoopContracts
import CareLoopStorage

extension OutboxMessage {
    /// An outbox row that publishes `event` in CloudEvents binary mode on `topic` under `key`.
    package init(event: CloudEvent, topic: Topic, key: String) {
        self.init(topic: topic.rawValue, key: Array(key.utf8), value: event.data, headers: event.kafkaHeaders())
    }
}
