import CareLoopContracts
import CareLoopRuntime
import Foundation
import Logging
import PostgresNIO

/// Takes ownership of every registered case: records it in routing's own tables.
/// (Classification, severity, clocks and escalation build on this record.)
struct CaseRegisteredHandler: CloudEventHandler {
    var acceptedTypes: Set<EventType> { [.caseRegistered] }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        var rejections: [EventRejection] = []
        for (index, inbound) in events.enumerated() {
            let data: CaseEventData
            switch CaseEventData.parse(json: inbound.event.data) {
            case .success(let parsed): data = parsed
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
                continue
            }
            guard let caseID = UUID(uuidString: data.caseID) else {
                rejections.append(EventRejection(index: index, errorClass: "validation", message: "case_id: not a UUID"))
                continue
            }
            try await connection.query(
                """
                INSERT INTO cases (case_id, reference, kind, city, project, owner_id, category_hint, status, registered_at)
                VALUES (\(caseID), \(data.reference), \(data.kind.rawValue), \(data.property.city), \(data.property.project),
                        \(data.ownerID), \(data.categoryHint), 'registered', \(data.occurredAt.date))
                ON CONFLICT (case_id) DO NOTHING
                """, logger: logger)
            logger.debug("Case received", metadata: ["case_id": "\(data.caseID)"])
        }
        return rejections
    }
}
