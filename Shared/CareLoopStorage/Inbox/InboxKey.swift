/// Identifies a consumed event for deduplication: `(source, eventID)` is the CloudEvents idempotency key
/// (`ce_source`, `ce_id`); topic, partition and offset record where it was read, for tracing.
package struct InboxKey: Sendable, Hashable {
    /// The event's `ce_source`.
    package var source: String
    /// The event's `ce_id`.
    package var eventID: String
    /// Topic it was read from.
    package var topic: String
    /// Partition it was read from.
    package var partition: Int32
    /// Offset it was read at.
    package var offset: Int64

    /// Creates a key.
    package init(source: String, eventID: String, topic: String, partition: Int32, offset: Int64) {
        self.source = source
        self.eventID = eventID
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}
