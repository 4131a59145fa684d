import CareLoopContracts
import Foundation
import Logging
import PostgresNIO

/// Intake's SQL for case timelines, inside the caller's transaction.
struct TimelineRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Appends `entries` to the timelines of their cases and moves each case to the values of its latest entry
    /// (never back to an older one); one round trip. Returns the positions of entries whose case intake does not
    /// have (nothing is written for them). An entry whose event was appended before is not appended again.
    func append(_ entries: [TimelineEntry]) async throws -> [Int] {
        guard !entries.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            WITH e AS (
                SELECT * FROM jsonb_to_recordset(\(try RowsJSON.encode(entries))::jsonb) AS r(
                    position int, case_id uuid, entry text, status text, occurred_at timestamptz, actor text, reason text,
                    details jsonb, event_source text, event_id text, category text, severity text, department text,
                    acknowledge_by timestamptz, respond_by timestamptz, resolve_by timestamptz)
            ),
            known AS (
                SELECT e.*, c.case_id AS id FROM e JOIN cases c ON c.case_id = e.case_id
            ),
            appended AS (
                INSERT INTO case_timeline (case_id, entry, status, occurred_at, actor, reason, details, event_source, event_id)
                SELECT id, entry, status, occurred_at, actor, reason, details, event_source, event_id
                FROM known ORDER BY position
                ON CONFLICT DO NOTHING
            ),
            latest AS (
                SELECT DISTINCT ON (id) * FROM known ORDER BY id, occurred_at DESC, position DESC
            ),
            moved AS (
                UPDATE cases c SET status = l.status, status_at = l.occurred_at, category = l.category,
                    severity = l.severity, department = l.department, acknowledge_by = l.acknowledge_by,
                    respond_by = l.respond_by, resolve_by = l.resolve_by, updated_at = now()
                FROM latest l
                WHERE c.case_id = l.id AND (c.status_at IS NULL OR c.status_at <= l.occurred_at)
            )
            SELECT e.position FROM e WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.position = e.position)
            """, logger: logger)
        var unknown: [Int] = []
        for try await position in rows.decode(Int.self) { unknown.append(position) }
        return unknown
    }
}
