import CareLoopContracts
import Foundation

/// Timeline entries as the typed arrays one statement unnests, in entry order: no JSON to encode in Swift or to
/// parse in PostgreSQL. A value that may be absent travels as a value (ignored when absent) and a `has…` flag.
struct TimelineColumns {
    var positions: [Int] = []
    var caseIDs: [UUID] = []
    var entries: [String] = []
    var statuses: [String] = []
    /// Instants as RFC 3339 texts, cast to `timestamptz` by PostgreSQL: the instant the event gives, to the
    /// microsecond as PostgreSQL reads it, without a round trip through `Date`'s floating point.
    var occurredAt: [String] = []
    var actors = Nullable<String>(placeholder: "")
    var reasons = Nullable<String>(placeholder: "")
    var eventSources: [String] = []
    var eventIDs: [String] = []
    var categories: [String] = []
    var severities: [String] = []
    var departments: [String] = []
    var acknowledgeBy: [String] = []
    var respondBy: [String] = []
    var resolveBy: [String] = []
    var escalationLevels = Nullable<Int>(placeholder: 0)
    var deadlines = Nullable<String>(placeholder: "")
    var groupIncidentIDs = Nullable<String>(placeholder: "")
    var previousStatuses = Nullable<String>(placeholder: "")
    var requiresWorkOrder = Nullable<Bool>(placeholder: false)

    /// A column whose values may be absent: `values` (the placeholder where absent) and `present`.
    struct Nullable<Value> {
        let placeholder: Value
        var values: [Value] = []
        var present: [Bool] = []

        init(placeholder: Value) {
            self.placeholder = placeholder
        }

        mutating func append(_ value: Value?) {
            values.append(value ?? placeholder)
            present.append(value != nil)
        }
    }

    /// No entries (the statement's text is made from these).
    init() {}

    /// The columns of `entries`, in order.
    init(_ entries: [TimelineEntry]) {
        for entry in entries {
            positions.append(entry.position)
            caseIDs.append(entry.caseID)
            self.entries.append(entry.entry)
            statuses.append(entry.status)
            occurredAt.append(entry.occurredAt.rfc3339)
            actors.append(entry.actor)
            reasons.append(entry.reason)
            eventSources.append(entry.eventSource)
            eventIDs.append(entry.eventID)
            categories.append(entry.category)
            severities.append(entry.severity)
            departments.append(entry.department)
            acknowledgeBy.append(entry.due.acknowledgeBy.rfc3339)
            respondBy.append(entry.due.respondBy.rfc3339)
            resolveBy.append(entry.due.resolveBy.rfc3339)
            escalationLevels.append(entry.details.escalationLevel)
            deadlines.append(entry.details.deadline)
            groupIncidentIDs.append(entry.details.groupIncidentID)
            previousStatuses.append(entry.details.previousStatus)
            requiresWorkOrder.append(entry.details.requiresWorkOrder)
        }
    }
}
