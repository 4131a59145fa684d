import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Routing's `cases` table and what hangs off it (timeline, escalations, outbox events): loads ``CaseRecord``s
/// and writes them back with their effects, set-based (one statement per kind of row for a whole batch).
///
/// - Important: every writer locks a case row before it touches the case's other rows (timers, timeline), so
///   concurrent writers (consumers of two replicas, the timer worker, staff requests) queue on the case and never
///   deadlock on its timers.
enum CaseStore {
    /// The columns ``record(_:)`` decodes, in order.
    private static let columns = """
        case_id, status, snapshot::text, sla_clock::text, time_rule, escalation_level, assignee, repair_lead, is_valid,
        validity_decided_by, validity_reason, registered_at
        """

    // MARK: Reading

    /// The cases `ids` (those that exist), locked until the transaction ends, in case-id order (the lock order
    /// every writer uses).
    static func lock(_ ids: [UUID], connection: PostgresConnection, logger: Logger) async throws -> [CaseRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT \(unescaped: columns) FROM cases WHERE case_id = ANY(\(ids)::uuid[]) AND snapshot IS NOT NULL
            ORDER BY case_id FOR UPDATE
            """, logger: logger)
        return try await records(rows)
    }

    /// The cases `ids` (those that exist) without locking them (callers that already hold the locks).
    static func read(_ ids: [UUID], connection: PostgresConnection, logger: Logger) async throws -> [CaseRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM cases WHERE case_id = ANY(\(ids)::uuid[]) AND snapshot IS NOT NULL ORDER BY case_id",
            logger: logger)
        return try await records(rows)
    }

    /// The case `id` without locking it, `nil` when unknown.
    static func read(_ id: UUID, connection: PostgresConnection, logger: Logger) async throws -> CaseRecord? {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM cases WHERE case_id = \(id) AND snapshot IS NOT NULL", logger: logger)
        return try await records(rows).first
    }

    /// Decodes rows of ``columns``.
    static func records(_ rows: PostgresRowSequence) async throws -> [CaseRecord] {
        var result: [CaseRecord] = []
        let decoded = rows.decode((UUID, String, String, String, String, Int, String?, String?, Bool?, String?, String?, Date).self)
        for try await (caseID, status, snapshot, clock, timeRule, level, assignee, lead, isValid, decidedBy, reason, registeredAt) in decoded {
            guard let state = CaseState(rawValue: status), let rule = TimeRule(rawValue: timeRule) else {
                throw StoredCaseError(caseID: caseID, problem: "unknown status '\(status)' or time rule '\(timeRule)'")
            }
            let data = try CareLoopJSON.decode(CaseEventData.self, from: Array(snapshot.utf8))
            let slaClock = try JSONDecoder().decode(SLAClock.self, from: Data(clock.utf8))
            var validity: ComplaintValidity?
            if let isValid {
                validity = ComplaintValidity(isValid: isValid, decidedBy: .stored(decidedBy), reason: reason ?? "")
            }
            result.append(
                CaseRecord(
                    caseID: caseID, state: state, data: data, clock: slaClock, timeRule: rule, escalationLevel: level,
                    assignee: assignee, repairLead: lead, validity: validity, registeredAt: registeredAt))
        }
        return result
    }

    // MARK: Writing

    /// Inserts newly routed cases with their routing decision (for audit) and returns the ids actually inserted;
    /// a case already present (a redelivered `registered` under another event id) is left alone.
    static func insertRouted(
        _ routed: [(record: CaseRecord, decision: RoutingDecision)], routedBy: String, connection: PostgresConnection,
        logger: Logger
    ) async throws -> Set<UUID> {
        guard !routed.isEmpty else { return [] }
        var ids: [UUID] = [], references: [String] = [], kinds: [String] = [], cities: [String] = [], projects: [String] = []
        var owners: [String] = [], hints: [String] = [], statuses: [String] = [], registeredAt: [Date] = []
        var categories: [String] = [], departments: [String] = [], severities: [String] = [], reasons: [String] = []
        var timeRules: [String] = [], matchedRules: [String] = [], sources: [String] = [], versions: [String] = []
        var clocks: [String] = [], snapshots: [String] = [], levels: [Int] = [], workOrders: [Bool] = []
        var valid: [Bool] = [], decidedBy: [String] = [], validityReasons: [String] = []
        let encoder = CompactJSONEncoder(dates: .deferredToDate)
        for (record, decision) in routed {
            ids.append(record.caseID)
            references.append(record.data.reference)
            kinds.append(record.data.kind.rawValue)
            cities.append(record.data.property.city)
            projects.append(record.data.property.project)
            owners.append(record.data.ownerID ?? "")
            hints.append(record.data.categoryHint ?? "")
            statuses.append(record.state.rawValue)
            registeredAt.append(record.registeredAt)
            categories.append(record.data.category)
            departments.append(record.data.department.rawValue)
            severities.append(record.data.severity.rawValue)
            reasons.append(String(decoding: try encoder.encode(decision.severity.reasons.map(\.summary)), as: UTF8.self))
            timeRules.append(record.timeRule.rawValue)
            matchedRules.append(decision.classification.matchedRuleID ?? "")
            sources.append(decision.classification.source.rawValue)
            versions.append(decision.classification.ruleSetVersion)
            clocks.append(String(decoding: try encoder.encode(record.clock), as: UTF8.self))
            snapshots.append(String(decoding: try CareLoopJSON.encode(record.data), as: UTF8.self))
            levels.append(record.escalationLevel)
            workOrders.append(record.data.requiresWorkOrder ?? false)
            valid.append(record.validity?.isValid ?? false)
            decidedBy.append(record.validity.map { $0.decidedBy.stored } ?? "rule")
            validityReasons.append(record.validity?.reason ?? "")
        }
        let rows = try await connection.query(
            """
            INSERT INTO cases (
                case_id, reference, kind, city, project, owner_id, category_hint, status, registered_at, category, department,
                severity, severity_reasons, time_rule, matched_rule, classification_source, rules_version, sla_clock, routed_at,
                snapshot, escalation_level, requires_work_order, is_valid, validity_decided_by, validity_reason, routed_by,
                updated_at)
            SELECT u.case_id, u.reference, u.kind, u.city, u.project, NULLIF(u.owner_id, ''), NULLIF(u.hint, ''), u.status,
                u.registered_at, u.category, u.department, u.severity, u.reasons::jsonb, u.time_rule, NULLIF(u.matched_rule, ''),
                u.source, u.version, u.clock::jsonb, now(), u.snapshot::jsonb, u.level, u.work_order, u.valid, u.decided_by,
                u.validity_reason, \(routedBy), now()
            FROM unnest(
                \(ids)::uuid[], \(references)::text[], \(kinds)::text[], \(cities)::text[], \(projects)::text[],
                \(owners)::text[], \(hints)::text[], \(statuses)::text[], \(registeredAt)::timestamptz[], \(categories)::text[],
                \(departments)::text[], \(severities)::text[], \(reasons)::text[], \(timeRules)::text[], \(matchedRules)::text[],
                \(sources)::text[], \(versions)::text[], \(clocks)::text[], \(snapshots)::text[], \(levels)::int[],
                \(workOrders)::bool[], \(valid)::bool[], \(decidedBy)::text[], \(validityReasons)::text[]
            ) AS u(case_id, reference, kind, city, project, owner_id, hint, status, registered_at, category, department,
                severity, reasons, time_rule, matched_rule, source, version, clock, snapshot, level, work_order, valid,
                decided_by, validity_reason)
            ON CONFLICT (case_id) DO NOTHING
            RETURNING case_id
            """, logger: logger)
        var inserted: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { inserted.insert(id) }
        return inserted
    }

    /// Writes the lifecycle columns of `records` (state, snapshot, clock, escalation, assignee, validity …).
    static func update(_ records: [CaseRecord], connection: PostgresConnection, logger: Logger) async throws {
        guard !records.isEmpty else { return }
        var ids: [UUID] = [], statuses: [String] = [], categories: [String] = [], departments: [String] = []
        var severities: [String] = [], snapshots: [String] = [], clocks: [String] = [], levels: [Int] = []
        var incidents: [String] = [], assignees: [String] = [], leads: [String] = [], workOrders: [String] = []
        var valid: [String] = [], decidedBy: [String] = [], validityReasons: [String] = []
        let encoder = CompactJSONEncoder(dates: .deferredToDate)
        for record in records {
            ids.append(record.caseID)
            statuses.append(record.state.rawValue)
            categories.append(record.data.category)
            departments.append(record.data.department.rawValue)
            severities.append(record.data.severity.rawValue)
            snapshots.append(String(decoding: try CareLoopJSON.encode(record.data), as: UTF8.self))
            clocks.append(String(decoding: try encoder.encode(record.clock), as: UTF8.self))
            levels.append(record.escalationLevel)
            incidents.append(record.data.groupIncidentID ?? "")
            assignees.append(record.assignee ?? "")
            leads.append(record.repairLead ?? "")
            workOrders.append(record.data.requiresWorkOrder.map { $0 ? "true" : "false" } ?? "")
            valid.append(record.validity.map { $0.isValid ? "true" : "false" } ?? "")
            decidedBy.append(record.validity?.decidedBy.stored ?? "")
            validityReasons.append(record.validity?.reason ?? "")
        }
        try await connection.query(
            """
            UPDATE cases AS c SET
                status = u.status, category = u.category, department = u.department, severity = u.severity,
                snapshot = u.snapshot::jsonb, sla_clock = u.clock::jsonb, escalation_level = u.level,
                group_incident_id = NULLIF(u.incident, ''), assignee = NULLIF(u.assignee, ''), repair_lead = NULLIF(u.lead, ''),
                requires_work_order = NULLIF(u.work_order, '')::boolean, is_valid = NULLIF(u.valid, '')::boolean,
                validity_decided_by = NULLIF(u.decided_by, ''), validity_reason = NULLIF(u.validity_reason, ''),
                updated_at = now()
            FROM unnest(
                \(ids)::uuid[], \(statuses)::text[], \(categories)::text[], \(departments)::text[], \(severities)::text[],
                \(snapshots)::text[], \(clocks)::text[], \(levels)::int[], \(incidents)::text[], \(assignees)::text[],
                \(leads)::text[], \(workOrders)::text[], \(valid)::text[], \(decidedBy)::text[], \(validityReasons)::text[]
            ) AS u(case_id, status, category, department, severity, snapshot, clock, level, incident, assignee, lead, work_order,
                valid, decided_by, validity_reason)
            WHERE c.case_id = u.case_id
            """, logger: logger)
    }

    /// Appends the timeline entries and escalations of `records` and enqueues their events on `careloop.cases.v1`
    /// (key and subject = case id), in order per case: one statement.
    /// - Parameter traceparent: the trace of the event that caused the changes, passed on (per case id).
    static func writeEffects(
        of records: [CaseRecord], eventSource: String, traceparents: [UUID: (String?, String?)] = [:],
        connection: PostgresConnection, logger: Logger
    ) async throws {
        var timelineCases: [UUID] = [], times: [Date] = [], actors: [String] = [], actions: [String] = []
        var eventTypes: [String] = [], eventIDs: [String] = [], fromStates: [String] = [], toStates: [String] = []
        var details: [String] = []
        var escalationCases: [UUID] = [], levels: [Int] = [], roles: [String] = [], escalatedAt: [Date] = []
        var escalationActors: [String] = [], reasons: [String] = [], triggers: [String] = []
        var outbox: [OutboxMessage] = []
        let encoder = CompactJSONEncoder(dates: .deferredToDate)
        for record in records {
            for entry in record.timeline {
                timelineCases.append(record.caseID)
                times.append(entry.at)
                actors.append(entry.actor)
                actions.append(entry.action)
                eventTypes.append(entry.eventType?.rawValue ?? "")
                eventIDs.append(entry.eventID ?? "")
                fromStates.append(entry.fromState?.rawValue ?? "")
                toStates.append(entry.toState?.rawValue ?? "")
                details.append(String(decoding: try encoder.encode(entry.details), as: UTF8.self))
            }
            for escalation in record.escalations {
                escalationCases.append(record.caseID)
                levels.append(escalation.level)
                roles.append(escalation.role)
                escalatedAt.append(escalation.at)
                escalationActors.append(escalation.actor)
                reasons.append(escalation.reason)
                triggers.append(escalation.trigger)
            }
            let key = record.caseID.uuidString.lowercased()
            let trace = traceparents[record.caseID]
            for event in record.events {
                let cloudEvent = try CloudEvent.json(
                    id: event.id, source: eventSource, type: event.type, time: event.data.occurredAt, subject: event.data.caseID,
                    traceparent: trace?.0, tracestate: trace?.1, payload: event.data)
                outbox.append(OutboxMessage(event: cloudEvent, topic: .cases, key: key))
            }
        }
        guard !timelineCases.isEmpty || !escalationCases.isEmpty || !outbox.isEmpty else { return }
        // One statement, one round trip, for the three kinds of rows (empty arrays insert nothing).
        let events = try Outbox.Columns(outbox)
        if !outbox.isEmpty { Outbox.noteWrite(on: connection) }
        try await connection.query(
            """
            WITH timeline AS (
                INSERT INTO case_timeline (case_id, at, actor, action, event_type, event_id, from_status, to_status, details)
                SELECT u.case_id, u.at, u.actor, u.action, NULLIF(u.event_type, ''), NULLIF(u.event_id, ''),
                    NULLIF(u.from_status, ''), NULLIF(u.to_status, ''), u.details::jsonb
                FROM unnest(
                    \(timelineCases)::uuid[], \(times)::timestamptz[], \(actors)::text[], \(actions)::text[],
                    \(eventTypes)::text[], \(eventIDs)::text[], \(fromStates)::text[], \(toStates)::text[], \(details)::text[]
                ) WITH ORDINALITY AS u(case_id, at, actor, action, event_type, event_id, from_status, to_status, details, position)
                ORDER BY u.position
            ),
            escalations AS (
                INSERT INTO case_escalations (case_id, level, role, escalated_at, actor, reason, trigger)
                SELECT * FROM unnest(
                    \(escalationCases)::uuid[], \(levels)::int[], \(roles)::text[], \(escalatedAt)::timestamptz[],
                    \(escalationActors)::text[], \(reasons)::text[], \(triggers)::text[])
                ON CONFLICT (case_id, level) DO NOTHING
            )
            \(outboxInsert: events)
            """, logger: logger)
    }

    /// Writes `records` back (lifecycle columns, timers, timeline, escalations, events): the usual end of a
    /// transaction that changed locked cases.
    static func save(
        _ records: [CaseRecord], now: Date, eventSource: String, connection: PostgresConnection, logger: Logger
    ) async throws {
        try await update(records, connection: connection, logger: logger)
        try await SLATimerStore.sync(records, now: now, connection: connection, logger: logger)
        try await writeEffects(of: records, eventSource: eventSource, connection: connection, logger: logger)
    }
}

/// A stored case routing cannot read (a bug or a manual edit): names the case.
struct StoredCaseError: Error, CustomStringConvertible {
    var caseID: UUID
    var problem: String
    var description: String { "case \(caseID): \(problem)" }
}

extension ComplaintValidity.DecidedBy {
    /// The stored form: `rule` or `staff:<id>`.
    var stored: String {
        switch self {
        case .rule: "rule"
        case .staff(let id): "staff:\(id)"
        }
    }

    /// Reads the stored form (`nil` or anything unknown counts as the rule).
    static func stored(_ text: String?) -> Self {
        guard let text, text.hasPrefix("staff:") else { return .rule }
        return .staff(String(text.dropFirst("staff:".count)))
    }
}
