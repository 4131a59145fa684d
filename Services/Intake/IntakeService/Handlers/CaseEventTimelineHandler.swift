import CareLoopContracts
import CareLoopRuntime
import Foundation
import Logging
import PostgresNIO

/// Consumes case events back from `careloop.cases.v1` (every type after registration) and appends them to the
/// cases' timelines, keeping each case's status, category, severity, department and deadlines current for reads.
///
/// Events of cases intake does not have (another installation's, or a test's) are logged and skipped; data that
/// breaks the contract is rejected to `careloop.cases.v1.dlt`.
struct CaseEventTimelineHandler: CloudEventHandler {
    /// Every case event type but `careloop.case.registered`: made once (the batch handler asks for every record).
    private static let caseEventTypes = Set(EventType.known.filter { $0.topic == .cases && $0 != .caseRegistered })

    var acceptedTypes: Set<EventType> {
        Self.caseEventTypes
    }

    /// One statement (``TimelineRepository/append(_:)``), which appends an event once and moves a case only for
    /// events appended now: a redelivery changes nothing, so the runtime needs no inbox or transaction for it.
    var appliesIdempotentlyInOneStatement: Bool { true }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        var rejections: [EventRejection] = []
        var entries: [TimelineEntry] = []
        var unknown: [Int] = []
        for (index, inbound) in events.enumerated() {
            switch CaseEventData.parse(json: inbound.event.data) {
            case .success(let data):
                if let entry = TimelineEntry(
                    position: index, type: inbound.event.type, data: data, source: inbound.event.source, id: inbound.event.id)
                {
                    entries.append(entry)
                } else {
                    unknown.append(index)
                }
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
            }
        }
        unknown += try await TimelineRepository(connection: connection, logger: logger).append(entries)
        for position in unknown {
            logger.info(
                "Case event for a case intake does not have; skipped",
                metadata: [
                    "case_id": "\(events[position].event.subject ?? "-")", "ce_type": "\(events[position].event.type.rawValue)",
                    "ce_id": "\(events[position].event.id)",
                ])
        }
        return rejections
    }
}
