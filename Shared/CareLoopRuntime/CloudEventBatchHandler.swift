import CareLoopContracts
import CareLoopKafka
import CareLoopStorage
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
            if handler.acceptedTypes.contains(event.type) {
                events.append(InboundEvent(record: record, event: event))
            } else if !event.type.isKnown {
                rejections.append(
                    RecordRejection(record: record, errorClass: "unknown_type", message: "unknown event type '\(event.type.rawValue)'"))
            }
        }
        guard !events.isEmpty else { return rejections }

        let keys = events.map {
            InboxKey(
                source: $0.event.source, eventID: $0.event.id, topic: $0.record.topic, partition: $0.record.partition,
                offset: $0.record.offset)
        }
        let handler = self.handler
        let logger = self.logger
        let (fresh, domainRejections) = try await database.withTransaction { connection in
            let firstSeen = try await Inbox.claim(keys, connection: connection)
            let fresh = events.indices.filter { firstSeen.contains($0) }.map { events[$0] }
            guard !fresh.isEmpty else { return ([InboundEvent](), [EventRejection]()) }
            return (fresh, try await handler.apply(fresh, connection: connection, logger: logger))
        }
        let duplicates = events.count - fresh.count
        if duplicates > 0 {
            Counter(label: "careloop_events_duplicates_total", dimensions: [("service", service)]).increment(by: duplicates)
        }
        Counter(label: "careloop_events_applied_total", dimensions: [("service", service)])
            .increment(by: fresh.count - domainRejections.count)
        for rejection in domainRejections {
            rejections.append(
                RecordRejection(record: fresh[rejection.index].record, errorClass: rejection.errorClass, message: rejection.message))
        }
        return rejections
    }
}
