/// Publishes outbox messages to Kafka for the ``OutboxRelay``.
///
/// The runtime implements it over the Kafka producer; tests use a fake.
package protocol OutboxPublisher: Sendable {
    /// Publishes `messages` (in order) and returns one result per message, in the same order: `.success` once the
    /// broker acknowledged it, `.failure` otherwise. A missing result counts as a failure.
    func publish(_ messages: [OutboxMessage]) async -> [Result<Void, any Error>]
}
