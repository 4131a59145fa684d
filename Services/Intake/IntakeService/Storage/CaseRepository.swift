import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Intake's SQL for registering cases, set-based: a whole batch of submissions is one statement, inside the
/// caller's transaction.
struct CaseRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// A submission to register: its idempotency key, request hash and number of cases.
    struct Claim {
        var source: String
        var externalID: String
        var requestHash: [UInt8]
        var items: Int
        var batch: Bool
    }

    /// What one registration statement did: the submissions it claimed (not registered before) and the cases it
    /// inserted.
    struct Registered {
        var claimed: Set<SubmissionKey>
        var inserted: Set<UUID>
    }

    /// `(source, external id)` of a submission.
    struct SubmissionKey: Hashable {
        var source: String
        var externalID: String
    }

    /// Claims the submissions not registered before and, for those only, inserts their cases with their first
    /// timeline entries, their `careloop.case.registered` outbox rows (`events`, one per case, by case id) and upserts
    /// their owners: one statement, atomic on its own, one round trip. A case that cannot be inserted (a reference
    /// taken) fails the statement rather than leave a claimed submission without its cases. Claims must not repeat a key. Keys and owners are
    /// locked in key order, so concurrent registrations never deadlock on them.
    func register(
        _ claims: [Claim], cases: [CaseRow], events: [(caseID: UUID, message: OutboxMessage)], owners: [OwnerRow], receivedAt: Date
    ) async throws -> Registered {
        guard !claims.isEmpty else { return Registered(claimed: [], inserted: []) }
        let outbox = try Outbox.Columns(events.map(\.message))
        let rows = try await connection.query(
            """
            WITH claimed AS (
                INSERT INTO submissions (source, external_id, request_hash, items, batch, received_at)
                SELECT s.source, s.external_id, s.request_hash, s.items, s.batch, \(receivedAt)
                FROM unnest(\(claims.map(\.source))::text[], \(claims.map(\.externalID))::text[],
                    \(claims.map { ByteBuffer(bytes: $0.requestHash) })::bytea[], \(claims.map(\.items))::int8[],
                    \(claims.map(\.batch))::bool[]) AS s(source, external_id, request_hash, items, batch)
                ORDER BY s.source, s.external_id
                ON CONFLICT DO NOTHING
                RETURNING source, external_id
            ),
            c AS (
                SELECT r.case_id, r.reference, r.source, r.external_id, r.submission_item, r.kind, r.channel, r.city, r.project,
                    CASE WHEN r.has_building THEN r.building END AS building, CASE WHEN r.has_unit THEN r.unit END AS unit,
                    r.owner_id, CASE WHEN r.has_title THEN r.title END AS title, r.description,
                    CASE WHEN r.has_category_hint THEN r.category_hint END AS category_hint, r.attachments::jsonb AS attachments,
                    CASE WHEN r.has_inspection_batch THEN r.inspection_batch END AS inspection_batch, r.taker, r.category, r.severity,
                    r.department, r.acknowledge_by, r.respond_by, r.resolve_by, r.originals, r.originals_key_id, r.submitted_at,
                    r.registered_at
                FROM unnest(
                    \(cases.map(\.caseID))::uuid[], \(cases.map(\.reference))::text[], \(cases.map(\.source))::text[],
                    \(cases.map(\.externalID))::text[], \(cases.map(\.submissionItem))::int8[], \(cases.map(\.kind))::text[],
                    \(cases.map(\.channel))::text[], \(cases.map(\.city))::text[], \(cases.map(\.project))::text[],
                    \(cases.map { $0.building ?? "" })::text[], \(cases.map { $0.building != nil })::bool[],
                    \(cases.map { $0.unit ?? "" })::text[], \(cases.map { $0.unit != nil })::bool[], \(cases.map(\.ownerID))::text[],
                    \(cases.map { $0.title ?? "" })::text[], \(cases.map { $0.title != nil })::bool[], \(cases.map(\.description))::text[],
                    \(cases.map { $0.categoryHint ?? "" })::text[], \(cases.map { $0.categoryHint != nil })::bool[],
                    \(try cases.map { try $0.attachmentsJSON() })::text[], \(cases.map { $0.inspectionBatch ?? "" })::text[],
                    \(cases.map { $0.inspectionBatch != nil })::bool[], \(cases.map(\.taker))::text[], \(cases.map(\.category))::text[],
                    \(cases.map(\.severity))::text[], \(cases.map(\.department))::text[], \(cases.map(\.acknowledgeBy.date))::timestamptz[],
                    \(cases.map(\.respondBy.date))::timestamptz[], \(cases.map(\.resolveBy.date))::timestamptz[],
                    \(cases.map { ByteBuffer(bytes: $0.originals) })::bytea[], \(cases.map(\.originalsKeyID))::text[],
                    \(cases.map(\.submittedAt.date))::timestamptz[], \(cases.map(\.registeredAt.date))::timestamptz[]
                ) AS r(case_id, reference, source, external_id, submission_item, kind, channel, city, project, building, has_building,
                    unit, has_unit, owner_id, title, has_title, description, category_hint, has_category_hint, attachments,
                    inspection_batch, has_inspection_batch, taker, category, severity, department, acknowledge_by, respond_by,
                    resolve_by, originals, originals_key_id, submitted_at, registered_at)
                JOIN claimed USING (source, external_id)
            ),
            inserted AS (
                INSERT INTO cases (case_id, reference, source, external_id, submission_item, kind, channel, city, project,
                    building, unit, owner_id, title, description, category_hint, attachments, inspection_batch, taker,
                    category, severity, department, acknowledge_by, respond_by, resolve_by, originals_sealed,
                    originals_key_id, submitted_at, registered_at, status, status_at, updated_at)
                SELECT case_id, reference, source, external_id, submission_item, kind, channel, city, project,
                    building, unit, owner_id, title, description, category_hint, attachments, inspection_batch, taker,
                    category, severity, department, acknowledge_by, respond_by, resolve_by, originals,
                    originals_key_id, submitted_at, registered_at, 'registered', registered_at, registered_at
                FROM c
                -- No ON CONFLICT: a claimed submission's case must be written or the whole registration fail.
                RETURNING case_id
            ),
            timeline AS (
                INSERT INTO case_timeline (case_id, entry, status, occurred_at, actor, channel)
                SELECT c.case_id, 'registered', 'registered', c.registered_at, c.taker, c.channel
                FROM c JOIN inserted USING (case_id)
            ),
            announced AS (
                INSERT INTO outbox (topic, key, value, headers)
                SELECT m.topic, CASE WHEN m.has_key THEN m.key END, m.value, m.headers::jsonb
                FROM unnest(\(outbox.topics)::text[], \(outbox.hasKeys)::bool[], \(outbox.keys)::bytea[], \(outbox.values)::bytea[],
                    \(outbox.headers)::text[], \(events.map(\.caseID))::uuid[])
                    WITH ORDINALITY AS m(topic, has_key, key, value, headers, case_id, position)
                JOIN inserted USING (case_id)
                ORDER BY m.position
            ),
            o AS (
                SELECT r.source, r.external_id, r.position, r.owner_id,
                    CASE WHEN r.has_name THEN r.name_sealed END AS name_sealed, CASE WHEN r.has_name THEN r.name_key_id END AS name_key_id,
                    CASE WHEN r.has_phone THEN r.phone_sealed END AS phone_sealed,
                    CASE WHEN r.has_phone THEN r.phone_key_id END AS phone_key_id,
                    CASE WHEN r.has_phone THEN r.phone_lookup END AS phone_lookup,
                    CASE WHEN r.has_language THEN r.language END AS language,
                    CASE WHEN r.has_move_in THEN r.move_in_date::date END AS move_in_date,
                    CASE WHEN r.has_move_in THEN r.lifecycle_stage END AS lifecycle_stage, r.seen_at
                FROM unnest(
                    \(owners.map(\.source))::text[], \(owners.map(\.externalID))::text[], \(owners.map(\.position))::int8[],
                    \(owners.map(\.ownerID))::text[], \(owners.map { $0.name != nil })::bool[],
                    \(owners.map { ByteBuffer(bytes: $0.name?.bytes ?? []) })::bytea[], \(owners.map { $0.name?.keyID ?? "" })::text[],
                    \(owners.map { $0.phone != nil })::bool[], \(owners.map { ByteBuffer(bytes: $0.phone?.bytes ?? []) })::bytea[],
                    \(owners.map { $0.phone?.keyID ?? "" })::text[], \(owners.map { ByteBuffer(bytes: $0.phoneLookup ?? []) })::bytea[],
                    \(owners.map { $0.language != nil })::bool[], \(owners.map { $0.language ?? "" })::text[],
                    \(owners.map { $0.moveInDate != nil })::bool[], \(owners.map { $0.moveInDate ?? "1970-01-01" })::text[],
                    \(owners.map { $0.lifecycleStage ?? "" })::text[], \(owners.map(\.seenAt.date))::timestamptz[]
                ) AS r(source, external_id, position, owner_id, has_name, name_sealed, name_key_id, has_phone, phone_sealed,
                    phone_key_id, phone_lookup, has_language, language, has_move_in, move_in_date, lifecycle_stage, seen_at)
                JOIN claimed USING (source, external_id)
            ),
            latest AS (
                -- Per owner, the latest given value of each field among this statement's submissions.
                SELECT owner_id,
                    (array_agg(name_sealed ORDER BY position DESC) FILTER (WHERE name_sealed IS NOT NULL))[1] AS name_sealed,
                    (array_agg(name_key_id ORDER BY position DESC) FILTER (WHERE name_sealed IS NOT NULL))[1] AS name_key_id,
                    (array_agg(phone_sealed ORDER BY position DESC) FILTER (WHERE phone_sealed IS NOT NULL))[1] AS phone_sealed,
                    (array_agg(phone_key_id ORDER BY position DESC) FILTER (WHERE phone_sealed IS NOT NULL))[1] AS phone_key_id,
                    (array_agg(phone_lookup ORDER BY position DESC) FILTER (WHERE phone_sealed IS NOT NULL))[1] AS phone_lookup,
                    (array_agg(language ORDER BY position DESC) FILTER (WHERE language IS NOT NULL))[1] AS language,
                    (array_agg(move_in_date ORDER BY position DESC) FILTER (WHERE move_in_date IS NOT NULL))[1] AS move_in_date,
                    (array_agg(lifecycle_stage ORDER BY position DESC) FILTER (WHERE move_in_date IS NOT NULL))[1] AS lifecycle_stage,
                    max(seen_at) AS seen_at
                FROM o GROUP BY owner_id
            ),
            owners_upserted AS (
                INSERT INTO owners AS o (owner_id, name_sealed, name_key_id, phone_sealed, phone_key_id, phone_lookup, language,
                    move_in_date, lifecycle_stage, first_seen_at, updated_at)
                SELECT owner_id, name_sealed, name_key_id, phone_sealed, phone_key_id, phone_lookup, language, move_in_date,
                    lifecycle_stage, seen_at, seen_at
                FROM latest
                ORDER BY owner_id
                ON CONFLICT (owner_id) DO UPDATE SET
                    name_sealed = COALESCE(EXCLUDED.name_sealed, o.name_sealed),
                    name_key_id = CASE WHEN EXCLUDED.name_sealed IS NULL THEN o.name_key_id ELSE EXCLUDED.name_key_id END,
                    phone_sealed = COALESCE(EXCLUDED.phone_sealed, o.phone_sealed),
                    phone_key_id = CASE WHEN EXCLUDED.phone_sealed IS NULL THEN o.phone_key_id ELSE EXCLUDED.phone_key_id END,
                    phone_lookup = COALESCE(EXCLUDED.phone_lookup, o.phone_lookup),
                    language = COALESCE(EXCLUDED.language, o.language),
                    move_in_date = COALESCE(EXCLUDED.move_in_date, o.move_in_date),
                    lifecycle_stage = CASE WHEN EXCLUDED.move_in_date IS NULL THEN o.lifecycle_stage
                        ELSE EXCLUDED.lifecycle_stage END,
                    updated_at = EXCLUDED.updated_at
            )
            SELECT source, external_id, NULL::uuid FROM claimed
            UNION ALL
            SELECT NULL, NULL, case_id FROM inserted
            """, logger: logger)
        var registered = Registered(claimed: [], inserted: [])
        for try await (source, externalID, caseID) in rows.decode((String?, String?, UUID?).self) {
            if let caseID {
                registered.inserted.insert(caseID)
            } else if let source, let externalID {
                registered.claimed.insert(SubmissionKey(source: source, externalID: externalID))
            }
        }
        return registered
    }

    /// The request hash and cases (in item order) of the submission registered under `(source, externalID)`.
    func registered(source: String, externalID: String) async throws -> (requestHash: [UInt8], cases: [RegisteredCase])? {
        let rows = try await connection.query(
            """
            SELECT s.request_hash, c.case_id, c.reference
            FROM submissions s JOIN cases c ON c.source = s.source AND c.external_id = s.external_id
            WHERE s.source = \(source) AND s.external_id = \(externalID)
            ORDER BY c.submission_item
            """, logger: logger)
        var hash: [UInt8]?
        var cases: [RegisteredCase] = []
        for try await (requestHash, caseID, reference) in rows.decode((ByteBuffer, UUID, String).self) {
            hash = Array(requestHash.readableBytesView)
            cases.append(RegisteredCase(caseID: caseID, reference: reference))
        }
        return hash.map { ($0, cases) }
    }
}
