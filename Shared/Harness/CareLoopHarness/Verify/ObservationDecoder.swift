import CareLoopContracts
import CareLoopKafka
import Foundation

/// Reduces consumed records to observations (the record values are dropped right away: a run has many).
package enum ObservationDecoder {
    private struct CaseFields: Decodable {
        struct Reference: Decodable {
            var source: String?
            var id: String?
        }

        var caseID: String
        var externalRef: Reference?
        var groupIncidentID: String?
        var requiresWorkOrder: Bool?

        enum CodingKeys: String, CodingKey {
            case caseID = "case_id"
            case externalRef = "external_ref"
            case groupIncidentID = "group_incident_id"
            case requiresWorkOrder = "requires_work_order"
        }
    }

    private struct WorkOrderFields: Decodable {
        var workOrderID: String
        var caseID: String

        enum CodingKeys: String, CodingKey {
            case workOrderID = "work_order_id"
            case caseID = "case_id"
        }
    }

    /// A case event, or `nil` when the record is not one (no `ce_type`/`ce_id`/`ce_time`, or data without `case_id`).
    package static func caseEvent(_ record: ConsumedRecord) -> CaseEventObservation? {
        guard let (type, id, time) = envelope(record), let value = record.value,
            let fields = try? JSONDecoder().decode(CaseFields.self, from: Data(value))
        else { return nil }
        return CaseEventObservation(
            type: type, eventID: id, caseID: fields.caseID, externalSource: fields.externalRef?.source,
            externalID: fields.externalRef?.id, eventTime: time, appendTime: appendTime(record), partition: record.partition,
            groupIncidentID: fields.groupIncidentID, requiresWorkOrder: fields.requiresWorkOrder)
    }

    /// A work-order event, or `nil` when the record is not one.
    package static func workOrderEvent(_ record: ConsumedRecord) -> WorkOrderObservation? {
        guard let (type, id, time) = envelope(record), let value = record.value,
            let fields = try? JSONDecoder().decode(WorkOrderFields.self, from: Data(value))
        else { return nil }
        return WorkOrderObservation(type: type, eventID: id, workOrderID: fields.workOrderID, caseID: fields.caseID, eventTime: time, partition: record.partition)
    }

    /// A dead letter (any record of a `.dlt` topic; missing headers stay `nil`).
    package static func deadLetter(_ record: ConsumedRecord) -> DeadLetterObservation {
        DeadLetterObservation(
            topic: record.topic, source: record.header(CloudEvent.HeaderName.source), id: record.header(CloudEvent.HeaderName.id),
            errorClass: record.header(DeadLetterHeaders.errorClass) ?? "(none)",
            message: record.header(DeadLetterHeaders.errorMessage) ?? "",
            originalTopic: record.header(DeadLetterHeaders.originalTopic),
            originalPartition: record.header(DeadLetterHeaders.originalPartition).flatMap { Int32($0) },
            originalOffset: record.header(DeadLetterHeaders.originalOffset).flatMap { Int64($0) })
    }

    private static func envelope(_ record: ConsumedRecord) -> (String, String, Date)? {
        guard let type = record.header(CloudEvent.HeaderName.type), let id = record.header(CloudEvent.HeaderName.id),
            let text = record.header(CloudEvent.HeaderName.time), let time = try? Timestamp(rfc3339: text)
        else { return nil }
        return (type, id, time.date)
    }

    private static func appendTime(_ record: ConsumedRecord) -> Date? {
        record.timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }
}
