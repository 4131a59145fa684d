import Foundation
import PostgresNIO

/// Intake's timeline statement (see ``TimelineRepository/append(_:)``), run as a named prepared statement:
/// PostgreSQL parses it once per connection and, once its generic plan costs no more than the plans made for each run
/// (after five runs), stops planning it on every run. Its joins are look-ups by key or hash joins whatever the batch
/// size, so one plan serves every batch.
struct TimelineStatement: QueryStatement {
    /// The position of an entry whose case intake does not have.
    typealias Row = Int

    /// The statement's text; the same for any entries (values are bound, never spliced in).
    static let sql = query(TimelineColumns()).sql

    let query: PostgresQuery

    init(_ columns: TimelineColumns) {
        query = Self.query(columns)
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Int.self)
    }

    private static func query(_ c: TimelineColumns) -> PostgresQuery {
        """
        WITH e AS (
            SELECT r.position, r.case_id, r.entry, r.status, r.occurred_at::timestamptz AS occurred_at,
                CASE WHEN r.has_actor THEN r.actor END AS actor, CASE WHEN r.has_reason THEN r.reason END AS reason,
                r.event_source, r.event_id, r.category, r.severity, r.department,
                r.acknowledge_by::timestamptz AS acknowledge_by, r.respond_by::timestamptz AS respond_by,
                r.resolve_by::timestamptz AS resolve_by,
                CASE WHEN r.has_escalation_level THEN r.escalation_level END AS escalation_level,
                CASE WHEN r.has_deadline THEN r.deadline END AS deadline,
                CASE WHEN r.has_group_incident_id THEN r.group_incident_id END AS group_incident_id,
                CASE WHEN r.has_previous_status THEN r.previous_status END AS previous_status,
                CASE WHEN r.has_requires_work_order THEN r.requires_work_order END AS requires_work_order
            FROM unnest(
                \(c.positions)::int8[], \(c.caseIDs)::uuid[], \(c.entries)::text[], \(c.statuses)::text[],
                \(c.occurredAt)::text[], \(c.actors.values)::text[], \(c.actors.present)::bool[],
                \(c.reasons.values)::text[], \(c.reasons.present)::bool[], \(c.eventSources)::text[],
                \(c.eventIDs)::text[], \(c.categories)::text[], \(c.severities)::text[],
                \(c.departments)::text[], \(c.acknowledgeBy)::text[], \(c.respondBy)::text[],
                \(c.resolveBy)::text[], \(c.escalationLevels.values)::int8[], \(c.escalationLevels.present)::bool[],
                \(c.deadlines.values)::text[], \(c.deadlines.present)::bool[], \(c.groupIncidentIDs.values)::text[],
                \(c.groupIncidentIDs.present)::bool[], \(c.previousStatuses.values)::text[],
                \(c.previousStatuses.present)::bool[], \(c.requiresWorkOrder.values)::bool[],
                \(c.requiresWorkOrder.present)::bool[]
            ) AS r(position, case_id, entry, status, occurred_at, actor, has_actor, reason, has_reason, event_source, event_id,
                category, severity, department, acknowledge_by, respond_by, resolve_by, escalation_level, has_escalation_level,
                deadline, has_deadline, group_incident_id, has_group_incident_id, previous_status, has_previous_status,
                requires_work_order, has_requires_work_order)
        ),
        known AS (
            SELECT e.* FROM e WHERE EXISTS (SELECT 1 FROM cases c WHERE c.case_id = e.case_id)
        ),
        appended AS (
            INSERT INTO case_timeline (case_id, entry, status, occurred_at, actor, reason, details, event_source, event_id)
            SELECT case_id, entry, status, occurred_at, actor, reason,
                jsonb_strip_nulls(jsonb_build_object('category', category, 'severity', severity, 'department', department,
                    'escalation_level', escalation_level, 'deadline', deadline, 'group_incident_id', group_incident_id,
                    'previous_status', previous_status, 'requires_work_order', requires_work_order)),
                event_source, event_id
            FROM known ORDER BY position
            ON CONFLICT DO NOTHING
            RETURNING event_source, event_id
        ),
        -- Only entries appended now move their case: an event appended before (a redelivery) changes nothing, even
        -- when a later event of the case has the same time.
        latest AS (
            SELECT DISTINCT ON (k.case_id) k.* FROM known k
            JOIN appended a ON a.event_source = k.event_source AND a.event_id = k.event_id
            ORDER BY k.case_id, k.occurred_at DESC, k.position DESC
        ),
        moved AS (
            UPDATE cases c SET status = l.status, status_at = l.occurred_at, category = l.category,
                severity = l.severity, department = l.department, acknowledge_by = l.acknowledge_by,
                respond_by = l.respond_by, resolve_by = l.resolve_by, updated_at = now()
            FROM latest l
            WHERE c.case_id = l.case_id AND (c.status_at IS NULL OR c.status_at <= l.occurred_at)
        )
        SELECT e.position FROM e WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.position = e.position)
        """
    }
}
