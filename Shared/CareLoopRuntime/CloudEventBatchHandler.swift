import CareLoopContracts
import CareLoopKafka
import CareLoopStorage
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Turns a batch of Kafka records into one database transaction for a `CloudEventHandler`:
/// envelope checks (bad ones are rejected to the DLT), inbox de-duplication, then `apply`.
package struct CloudEventBatchHandler: RecordBatchHandler {
    private let database: Database
    private let handler: any CloudEventHandler
    private let logger: Logger
    private let service: String

    package init(database: Database, handler: any CloudEventHandler, service: String, logger: Logger) {
        self.database = database
        self.handler = handler
        self.service = service
        self.logger = logger
    }

    /// Why an event type cannot be on `topic`: unknown to this contract version, or a type of another topic.
    /// Types of topics outside the contract (private topics) are not judged.
    static func typeProblem(_ type: EventType, topic: String) -> String? {
        guard type.isKnown else { return "unknown event type '\(type.rawValue)'" }
        guard let home = type.topic, Topic(rawValue: topic).isKnown, home.rawValue != topic else { return nil }
        return "event type '\(type.rawValue)' belongs on \(home.rawValue), not \(topic)"
    }

    /// `careloop_event_age_seconds{service,type}`: from each event's `ce_time` to its commit here, the latency of
    /// the hop that brought it (clock skew between hosts included).
    private static func recordAge(of events: [InboundEvent], service: String) {
        let now = Date()
        for inbound in events {
            let age = max(0, now.timeIntervalSince(inbound.event.time.date))
            Timer(label: "careloop_event_age_seconds", dimensions: [("service", service), ("type", inbound.event.type.rawValue)], preferredDisplayUnit: .seconds)
                .recordNanoseconds(Int64(age * 1e9))
        }
    }

    package func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        var rejections: [RecordRejection] = []
        var events: [InboundEvent] = []
        for record in records {
            let event: CloudEvent
            do {
                event = try CloudEvent(headers: record.headers, value: record.value)
            } catch {
                rejections.append(RecordRejection(record: record, errorClass: "invalid_cloudevent", message: "\(error)"))
                continue
            }
            if let problem = Self.typeProblem(event.type, topic: record.topic) {
                rejections.append(RecordRejection(record: record, errorClass: DeadLetterErrorClass.unknownType.rawValue, message: problem))
            } else if handler.acceptedTypes.contains(event.type) {
                events.append(InboundEvent(record: record, event: event))
            }  // a type of this topic that this service does not act on: skipped
        }
        guard !events.isEmpty else { return rejections }
        if handler.appliesIdempotentlyInOneStatement {
            return rejections + (try await applyIdempotently(events))
        }

        let keys = events.map {
            InboxKey(
                source: $0.event.source, eventID: $0.event.id, topic: $0.record.topic, partition: $0.record.partition,
                offset: $0.record.offset)
        }
        let handler = self.handler
        let logger = self.logger
        let (fresh, domainRejections) = try await database.withTransaction { connection in
            let firstSeen = try await Inbox.claim(keys, connection: connection)
            let freshIndices = events.indices.filter { firstSeen.contains($0) }
            let fresh = freshIndices.map { events[$0] }
            guard !fresh.isEmpty else { return ([InboundEvent](), [EventRejection]()) }
            let rejected = try await handler.apply(fresh, connection: connection, logger: logger)
            // A rejected event leaves no trace, so a corrected resend or a replayed dead letter is handled anew.
            try await Inbox.release(rejected.map { keys[freshIndices[$0.index]] }, connection: connection)
            return (fresh, rejected)
        }
        let duplicates = events.count - fresh.count
        if duplicates > 0 {
            Counter(label: "careloop_events_duplicates_total", dimensions: [("service", service)]).increment(by: duplicates)
        }
        Counter(label: "careloop_events_applied_total", dimensions: [("service", service)])
            .increment(by: fresh.count - domainRejections.count)
        Self.recordAge(of: fresh, service: service)
        for rejection in domainRejections {
            rejections.append(
                RecordRejection(record: fresh[rejection.index].record, errorClass: rejection.errorClass, message: rejection.message))
        }
        return rejections
    }

    /// Applies `events` with a handler that is idempotent in one statement: no inbox, no transaction.
    private func applyIdempotently(_ events: [InboundEvent]) async throws -> [RecordRejection] {
        let handler = self.handler
        let logger = self.logger
        let rejected = try await database.withConnection { connection in
            try await handler.apply(events, connection: connection, logger: logger)
        }
        Counter(label: "careloop_events_applied_total", dimensions: [("service", service)]).increment(by: events.count - rejected.count)
        let rejectedIndices = Set(rejected.map(\.index))
        Self.recordAge(of: events.indices.filter { !rejectedIndices.contains($0) }.map { events[$0] }, service: service)
        return rejected.map {
            RecordRejection(record: events[$0.index].record, errorClass: $0.errorClass, message: $0.message)
        }
    }
}
