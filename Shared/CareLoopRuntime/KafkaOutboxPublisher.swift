import CareLoopKafka
import CareLoopStorage

/// Publishes outbox rows through the service's idempotent Kafka producer.
package struct KafkaOutboxPublisher: OutboxPublisher {
    private let producer: KafkaProducer

    package init(producer: KafkaProducer) {
        self.producer = producer
    }

    package func publish(_ messages: [OutboxMessage]) async -> [Result<Void, any Error>] {
        let records = messages.map { ProducerRecord(topic: $0.topic, key: $0.key, value: $0.value, headers: $0.headers) }
        return await producer.send(records).map { result in result.map { _ in () }.mapError { $0 as any Error } }
    }
}
