import CareLoopContracts
import CareLoopKafka
import Logging
import PostgresNIO

/// A consumed record that is a valid CloudEvent, seen for the first time.
package struct InboundEvent: Sendable {
    package var record: ConsumedRecord
    package var event: CloudEvent
}

/// Why the handler will not apply an event; it goes to the topic's dead-letter topic.
package struct EventRejection: Sendable, Hashable {
    /// Position of the event in the array given to `apply`.
    package var index: Int
    package var errorClass: String
    package var message: String

    package init(index: Int, errorClass: String, message: String) {
        self.index = index
        self.errorClass = errorClass
        self.message = message
    }
}

/// A service's domain handler for CloudEvents: applies new events inside the batch's transaction.
///
/// The runtime has already decoded the envelope, dropped events of types the handler does not take
/// and removed redeliveries (the inbox), so `apply` sees each event once; unless the handler applies events
/// idempotently in one statement (``appliesIdempotentlyInOneStatement``).
package protocol CloudEventHandler: Sendable {
    /// The event types this handler applies; other known CareLoop types on its topics are skipped.
    var acceptedTypes: Set<EventType> { get }
    /// Applies `events` with `connection`, inside the open transaction (without one when
    /// ``appliesIdempotentlyInOneStatement``); returns the ones it rejects, having written nothing for them.
    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection]
    /// `true` when `apply` writes in at most one statement, and an event applied before (a redelivery) changes
    /// nothing when applied again. The runtime then skips the inbox and the transaction around `apply`: one round
    /// trip per batch instead of four. `false` by default.
    var appliesIdempotentlyInOneStatement: Bool { get }
}

extension CloudEventHandler {
    package var appliesIdempotentlyInOneStatement: Bool { false }
}
