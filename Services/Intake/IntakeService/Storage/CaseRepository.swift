import CareLoopContracts
import Foundation
import Logging
import PostgresNIO

/// Intake's SQL for registering cases, set-based: a whole batch of submissions costs a fixed number of round trips,
/// inside the caller's transaction.
struct CaseRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// A submission to claim: its idempotency key, request hash and number of cases.
    struct Claim {
        var source: String
        var externalID: String
        var requestHash: [UInt8]
        var items: Int
        var batch: Bool
    }

    /// A reference number wanted for one case of the submission at `submission` (an index into the claims).
    struct NumberRequest {
        var prefix: String
        var year: Int
        var submission: Int
    }

    /// Records the submissions not registered before and draws reference numbers for the cases of those only; one
    /// round trip. Returns the indexes of the claimed submissions and the number of each request (by index) of
    /// a claimed one. Claims must not repeat a `(source, externalID)`.
    func claim(_ claims: [Claim], numbers requests: [NumberRequest], receivedAt: Date) async throws
        -> (claimed: Set<Int>, numbers: [Int: Int64])
    {
        guard !claims.isEmpty else { return ([], [:]) }
        let sources = claims.map(\.source)
        let externalIDs = claims.map(\.externalID)
        let rows = try await connection.query(
            """
            WITH claimed AS (
                INSERT INTO submissions (source, external_id, request_hash, items, batch, received_at)
                SELECT s.source, s.external_id, s.request_hash, s.items, s.batch, \(receivedAt)
                FROM unnest(\(sources)::text[], \(externalIDs)::text[], \(claims.map { ByteBuffer(bytes: $0.requestHash) })::bytea[],
                    \(claims.map(\.items))::int8[], \(claims.map(\.batch))::bool[])
                    WITH ORDINALITY AS s(source, external_id, request_hash, items, batch, position)
                -- Key order: concurrent claims lock their keys in the same order and never deadlock.
                ORDER BY s.source, s.external_id
                ON CONFLICT DO NOTHING
                RETURNING source, external_id
            ),
            claimed_positions AS (
                SELECT s.position - 1 AS position
                FROM claimed JOIN unnest(\(sources)::text[], \(externalIDs)::text[]) WITH ORDINALITY AS s(source, external_id, position)
                    USING (source, external_id)
            )
            SELECT true, position, NULL::bigint FROM claimed_positions
            UNION ALL
            SELECT false, r.position - 1, next_case_reference_number(r.prefix, r.year::int)
            FROM unnest(\(requests.map(\.prefix))::text[], \(requests.map(\.year))::int8[], \(requests.map(\.submission))::int8[])
                WITH ORDINALITY AS r(prefix, year, submission, position)
            JOIN claimed_positions p ON p.position = r.submission
            """, logger: logger)
        var claimed: Set<Int> = []
        var numbers: [Int: Int64] = [:]
        for try await (isClaim, position, number) in rows.decode((Bool, Int, Int64?).self) {
            if isClaim {
                claimed.insert(position)
            } else if let number {
                numbers[position] = number
            }
        }
        return (claimed, numbers)
    }

    /// Inserts the cases with their first timeline entries and upserts the owners; one round trip. Returns the ids of
    /// the cases inserted (a case whose `(source, external_id, submission_item)` or reference exists is skipped).
    /// Owners are locked in id order, so concurrent registrations never deadlock on them.
    func insert(cases: [CaseRow], owners: [OwnerRow]) async throws -> Set<UUID> {
        guard !cases.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            WITH c AS (
                SELECT * FROM jsonb_to_recordset(\(try RowsJSON.encode(cases))::jsonb) AS r(
                    case_id uuid, reference text, source text, external_id text, submission_item int, kind text, channel text,
                    city text, project text, building text, unit text, owner_id text, title text, description text,
                    category_hint text, attachments jsonb, inspection_batch text, taker text, category text, severity text,
                    department text, acknowledge_by timestamptz, respond_by timestamptz, resolve_by timestamptz,
                    originals text, originals_key_id text, submitted_at timestamptz, registered_at timestamptz)
            ),
            inserted AS (
                INSERT INTO cases (case_id, reference, source, external_id, submission_item, kind, channel, city, project,
                    building, unit, owner_id, title, description, category_hint, attachments, inspection_batch, taker,
                    category, severity, department, acknowledge_by, respond_by, resolve_by, originals_sealed,
                    originals_key_id, submitted_at, registered_at, status, status_at, updated_at)
                SELECT case_id, reference, source, external_id, submission_item, kind, channel, city, project,
                    building, unit, owner_id, title, description, category_hint, attachments, inspection_batch, taker,
                    category, severity, department, acknowledge_by, respond_by, resolve_by, decode(originals, 'base64'),
                    originals_key_id, submitted_at, registered_at, 'registered', registered_at, registered_at
                FROM c
                ON CONFLICT DO NOTHING
                RETURNING case_id
            ),
            timeline AS (
                INSERT INTO case_timeline (case_id, entry, status, occurred_at, actor, channel)
                SELECT c.case_id, 'registered', 'registered', c.registered_at, c.taker, c.channel
                FROM c JOIN inserted USING (case_id)
            ),
            owners_upserted AS (
                INSERT INTO owners AS o (owner_id, name_sealed, name_key_id, phone_sealed, phone_key_id, phone_lookup, language,
                    move_in_date, lifecycle_stage, first_seen_at, updated_at)
                SELECT owner_id, decode(name_sealed, 'base64'), name_key_id, decode(phone_sealed, 'base64'), phone_key_id,
                    decode(phone_lookup, 'base64'), language, move_in_date, lifecycle_stage, seen_at, seen_at
                FROM jsonb_to_recordset(\(try RowsJSON.encode(owners))::jsonb) AS r(
                    owner_id text, name_sealed text, name_key_id text, phone_sealed text, phone_key_id text,
                    phone_lookup text, language text, move_in_date date, lifecycle_stage text, seen_at timestamptz)
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
            SELECT case_id FROM inserted
            """, logger: logger)
        var inserted: Set<UUID> = []
        for try await caseID in rows.decode(UUID.self) { inserted.insert(caseID) }
        return inserted
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
