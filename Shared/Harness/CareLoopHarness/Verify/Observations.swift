import Foundation

/// A record of `careloop.cases.v1`, reduced to what the verifier checks.
package struct CaseEventObservation: Sendable, Hashable {
    /// `ce_type`, e.g. `careloop.case.routed`.
    package var type: String
    /// `ce_id` (the outbox may publish the same event twice; it keeps its id).
    package var eventID: String
    package var caseID: String
    /// `external_ref.source` / `external_ref.id` of the submission the case came from.
    package var externalSource: String?
    package var externalID: String?
    /// `ce_time`: when the change happened in the service.
    package var eventTime: Date
    /// The record's broker timestamp: when it was published.
    package var appendTime: Date?
    package var partition: Int32
    /// `group_incident_id` (on `merged`, and later events of merged cases).
    package var groupIncidentID: String?
    /// `requires_work_order` (set by routing on `routed`).
    package var requiresWorkOrder: Bool?

    /// Makes an observation.
    package init(
        type: String, eventID: String, caseID: String, externalSource: String? = nil, externalID: String? = nil, eventTime: Date,
        appendTime: Date? = nil, partition: Int32 = 0, groupIncidentID: String? = nil, requiresWorkOrder: Bool? = nil
    ) {
        self.type = type
        self.eventID = eventID
        self.caseID = caseID
        self.externalSource = externalSource
        self.externalID = externalID
        self.eventTime = eventTime
        self.appendTime = appendTime
        self.partition = partition
        self.groupIncidentID = groupIncidentID
        self.requiresWorkOrder = requiresWorkOrder
    }
}

/// A record of `careloop.workorders.v1`, reduced to what the verifier checks.
package struct WorkOrderObservation: Sendable, Hashable {
    package var type: String
    package var eventID: String
    package var workOrderID: String
    package var caseID: String
    package var eventTime: Date
    package var partition: Int32

    package init(type: String, eventID: String, workOrderID: String, caseID: String, eventTime: Date, partition: Int32 = 0) {
        self.type = type
        self.eventID = eventID
        self.workOrderID = workOrderID
        self.caseID = caseID
        self.eventTime = eventTime
        self.partition = partition
    }
}

/// A record of a dead-letter topic: the original's identity and why it was rejected.
package struct DeadLetterObservation: Sendable, Hashable {
    /// The dead-letter topic it was read from.
    package var topic: String
    /// The original's `ce_source` / `ce_id`, when it had them.
    package var source: String?
    package var id: String?
    /// `careloop_error_class` and `careloop_error_message`.
    package var errorClass: String
    package var message: String
    /// `careloop_original_topic`, `_partition`, `_offset`.
    package var originalTopic: String?
    package var originalPartition: Int32?
    package var originalOffset: Int64?

    package init(
        topic: String, source: String?, id: String?, errorClass: String, message: String, originalTopic: String?,
        originalPartition: Int32?, originalOffset: Int64?
    ) {
        self.topic = topic
        self.source = source
        self.id = id
        self.errorClass = errorClass
        self.message = message
        self.originalTopic = originalTopic
        self.originalPartition = originalPartition
        self.originalOffset = originalOffset
    }
}

/// Where a submission lies on `careloop.intake.v1`.
package struct SubmissionPosition: Sendable, Hashable, CustomStringConvertible {
    package var partition: Int32
    package var offset: Int64

    package init(partition: Int32, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }

    package var description: String { "[\(partition)]@\(offset)" }
}

/// A row of intake's `cases` table.
package struct StoredCase: Sendable, Hashable {
    package var caseID: String
    package var source: String
    package var externalID: String

    package init(caseID: String, source: String, externalID: String) {
        self.caseID = caseID
        self.source = source
        self.externalID = externalID
    }
}

/// Everything the verifier read: the outbound topics, the dead letters and (when reachable) the services' tables.
package struct Observations: Sendable {
    /// Every record of `careloop.cases.v1`.
    package var caseEvents: [CaseEventObservation] = []
    /// Every record of `careloop.workorders.v1`.
    package var workOrderEvents: [WorkOrderObservation] = []
    /// Every record of the dead-letter topics read.
    package var deadLetters: [DeadLetterObservation] = []
    /// Intake's cases; `nil` when the database was not read.
    package var intakeCases: [StoredCase]?
    /// Case ids routing recorded as routed; `nil` when the database was not read.
    package var routingRoutedCaseIDs: Set<String>?
    /// Where each submission (by `ce_id`) lies on `careloop.intake.v1`; `nil` when that topic was not read.
    package var submissionsOnTopic: [String: [SubmissionPosition]]?
    /// Records each topic had already dropped when it was read (the dev broker keeps ~5 MiB per partition): the
    /// topic-based checks only cover what is left, the tables cover the rest.
    package var truncated: [String: Int64] = [:]
    /// Records that could not be read (not JSON, no case id).
    package var unreadable = 0

    package init() {}
}
