import CareLoopContracts
import Foundation
import Logging
import PostgresNIO

/// Intake's SQL for cases, run inside the caller's transaction.
struct CaseRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// The next reference number for a prefix and year (unique, gaps allowed on rollback).
    func nextReferenceNumber(prefix: String, year: Int) async throws -> Int64 {
        let rows = try await connection.query(
            """
            INSERT INTO reference_counters (prefix, year, last_value) VALUES (\(prefix), \(year), 1)
            ON CONFLICT (prefix, year) DO UPDATE SET last_value = reference_counters.last_value + 1
            RETURNING last_value
            """, logger: logger)
        for try await number in rows.decode(Int64.self) { return number }
        throw CaseRepositoryError(message: "reference counter returned no row")
    }

    /// Inserts a case; returns `false` when the same `(source, external_id)` is already registered.
    func insert(caseID: UUID, reference: String, submission: VoiceSubmission, source: String, externalID: String, registeredAt: Date)
        async throws -> Bool
    {
        let attachments = String(decoding: try CareLoopJSON.encode(submission.attachments ?? []), as: UTF8.self)
        let rows = try await connection.query(
            """
            INSERT INTO cases (case_id, reference, source, external_id, kind, channel, city, project, building, unit,
                               owner_id, title, description, category_hint, attachments, inspection_batch,
                               submitted_at, registered_at, status)
            VALUES (\(caseID), \(reference), \(source), \(externalID), \(submission.kind.rawValue),
                    \(submission.channel.rawValue), \(submission.property.city), \(submission.property.project),
                    \(submission.property.building), \(submission.property.unit), \(submission.owner.id), \(submission.title),
                    \(submission.description), \(submission.categoryHint), \(attachments)::jsonb, \(submission.inspection?.batch),
                    \(submission.submittedAt.date), \(registeredAt), 'registered')
            ON CONFLICT (source, external_id) DO NOTHING
            RETURNING case_id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}

/// A broken invariant of intake's own SQL.
struct CaseRepositoryError: Error, CustomStringConvertible {
    var message: String
    var description: String { "intake storage: \(message)" }
}
