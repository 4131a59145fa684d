import CareLoopContracts
import CareLoopStorage
import Foundation
import PostgresNIO

/// Intake's registration statement (see ``CaseRepository/register(_:cases:events:owners:receivedAt:)``), run as a
/// named prepared statement: PostgreSQL parses it once per connection and, once its generic plan costs no more than
/// the plans made for each run (after five runs), stops planning it on every run (about 0.6 ms of CPU each).
/// Its joins are hash joins on keys whatever the batch size, so one plan serves batches of 1 and of 2,000.
struct RegistrationStatement: QueryStatement {
    typealias Row = (String?, String?, UUID?)

    /// What the statement unnests: the claims, their cases (with each case's attachments as JSON and the outbox row
    /// announcing it, at the same index) and the owners' upserts.
    struct Parameters {
        var claims: [CaseRepository.Claim] = []
        var cases: [CaseRow] = []
        var attachments: [String] = []
        var outboxTopics: [String] = []
        var outboxHasKeys: [Bool] = []
        var outboxKeys: [ByteBuffer] = []
        var outboxValues: [ByteBuffer] = []
        var outboxHeaders: [String] = []
        var owners: [OwnerRow] = []
        var receivedAt = Date(timeIntervalSince1970: 0)

        /// No rows (the statement's text is made from these).
        init() {}

        /// `events[i]` announces `cases[i]`.
        init(claims: [CaseRepository.Claim], cases: [CaseRow], events: [OutboxMessage], owners: [OwnerRow], receivedAt: Date) throws {
            precondition(events.count == cases.count, "one registered event per case")
            let outbox = try Outbox.Columns(events)
            self.claims = claims
            self.cases = cases
            attachments = try cases.map { try $0.attachmentsJSON() }
            outboxTopics = outbox.topics
            outboxHasKeys = outbox.hasKeys
            outboxKeys = outbox.keys
            outboxValues = outbox.values
            outboxHeaders = outbox.headers
            self.owners = owners
            self.receivedAt = receivedAt
        }
    }

    /// The statement's text; the same for any parameters (values are bound, never spliced in).
    static let sql = query(Parameters()).sql

    let query: PostgresQuery

    init(_ parameters: Parameters) {
        query = Self.query(parameters)
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }

    private static func query(_ p: Parameters) -> PostgresQuery {
        """
        WITH claimed AS (
            INSERT INTO submissions (source, external_id, request_hash, items, batch, received_at)
            SELECT s.source, s.external_id, s.request_hash, s.items, s.batch, \(p.receivedAt)
            FROM unnest(\(p.claims.map(\.source))::text[], \(p.claims.map(\.externalID))::text[],
                \(p.claims.map { ByteBuffer(bytes: $0.requestHash) })::bytea[], \(p.claims.map(\.items))::int8[],
                \(p.claims.map(\.batch))::bool[]) AS s(source, external_id, request_hash, items, batch)
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
                r.registered_at, r.position, r.topic, CASE WHEN r.has_key THEN r.key END AS key, r.value, r.headers
            FROM unnest(
                \(p.cases.map(\.caseID))::uuid[], \(p.cases.map(\.reference))::text[], \(p.cases.map(\.source))::text[],
                \(p.cases.map(\.externalID))::text[], \(p.cases.map(\.submissionItem))::int8[], \(p.cases.map(\.kind))::text[],
                \(p.cases.map(\.channel))::text[], \(p.cases.map(\.city))::text[], \(p.cases.map(\.project))::text[],
                \(p.cases.map { $0.building ?? "" })::text[], \(p.cases.map { $0.building != nil })::bool[],
                \(p.cases.map { $0.unit ?? "" })::text[], \(p.cases.map { $0.unit != nil })::bool[], \(p.cases.map(\.ownerID))::text[],
                \(p.cases.map { $0.title ?? "" })::text[], \(p.cases.map { $0.title != nil })::bool[], \(p.cases.map(\.description))::text[],
                \(p.cases.map { $0.categoryHint ?? "" })::text[], \(p.cases.map { $0.categoryHint != nil })::bool[],
                \(p.attachments)::text[], \(p.cases.map { $0.inspectionBatch ?? "" })::text[],
                \(p.cases.map { $0.inspectionBatch != nil })::bool[], \(p.cases.map(\.taker))::text[], \(p.cases.map(\.category))::text[],
                \(p.cases.map(\.severity))::text[], \(p.cases.map(\.department))::text[], \(p.cases.map(\.acknowledgeBy.date))::timestamptz[],
                \(p.cases.map(\.respondBy.date))::timestamptz[], \(p.cases.map(\.resolveBy.date))::timestamptz[],
                \(p.cases.map { ByteBuffer(bytes: $0.originals) })::bytea[], \(p.cases.map(\.originalsKeyID))::text[],
                \(p.cases.map(\.submittedAt.date))::timestamptz[], \(p.cases.map(\.registeredAt.date))::timestamptz[],
                \(p.outboxTopics)::text[], \(p.outboxHasKeys)::bool[], \(p.outboxKeys)::bytea[], \(p.outboxValues)::bytea[],
                \(p.outboxHeaders)::text[]
            ) WITH ORDINALITY AS r(case_id, reference, source, external_id, submission_item, kind, channel, city, project, building, has_building,
                unit, has_unit, owner_id, title, has_title, description, category_hint, has_category_hint, attachments,
                inspection_batch, has_inspection_batch, taker, category, severity, department, acknowledge_by, respond_by,
                resolve_by, originals, originals_key_id, submitted_at, registered_at, topic, has_key, key, value, headers, position)
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
        -- Every case of c is inserted (or the statement fails), so the first entries and the events come from c.
        timeline AS (
            INSERT INTO case_timeline (case_id, entry, status, occurred_at, actor, channel)
            SELECT case_id, 'registered', 'registered', registered_at, taker, channel FROM c
        ),
        announced AS (
            INSERT INTO outbox (topic, key, value, headers)
            SELECT topic, key, value, headers::jsonb FROM c ORDER BY position
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
                \(p.owners.map(\.source))::text[], \(p.owners.map(\.externalID))::text[], \(p.owners.map(\.position))::int8[],
                \(p.owners.map(\.ownerID))::text[], \(p.owners.map { $0.name != nil })::bool[],
                \(p.owners.map { ByteBuffer(bytes: $0.name?.bytes ?? []) })::bytea[], \(p.owners.map { $0.name?.keyID ?? "" })::text[],
                \(p.owners.map { $0.phone != nil })::bool[], \(p.owners.map { ByteBuffer(bytes: $0.phone?.bytes ?? []) })::bytea[],
                \(p.owners.map { $0.phone?.keyID ?? "" })::text[], \(p.owners.map { ByteBuffer(bytes: $0.phoneLookup ?? []) })::bytea[],
                \(p.owners.map { $0.language != nil })::bool[], \(p.owners.map { $0.language ?? "" })::text[],
                \(p.owners.map { $0.moveInDate != nil })::bool[], \(p.owners.map { $0.moveInDate ?? "1970-01-01" })::text[],
                \(p.owners.map { $0.lifecycleStage ?? "" })::text[], \(p.owners.map(\.seenAt.date))::timestamptz[]
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
        """
    }
}
