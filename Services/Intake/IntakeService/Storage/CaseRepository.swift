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
    /// timeline entries, their `careloop.case.registered` outbox rows (`events[i]` announces `cases[i]`; written in
    /// case order) and upserts their owners: one statement, atomic on its own, one round trip. A case that cannot be inserted (a reference
    /// taken) fails the statement rather than leave a claimed submission without its cases. Claims must not repeat a key. Keys and owners are
    /// locked in key order, so concurrent registrations never deadlock on them.
    func register(
        _ claims: [Claim], cases: [CaseRow], events: [OutboxMessage], owners: [OwnerRow], receivedAt: Date
    ) async throws -> Registered {
        guard !claims.isEmpty else { return Registered(claimed: [], inserted: []) }
        let parameters = try RegistrationStatement.Parameters(
            claims: claims, cases: cases, events: events, owners: owners, receivedAt: receivedAt)
        if !events.isEmpty { Outbox.noteWrite(on: connection) }
        let rows = try await connection.execute(RegistrationStatement(parameters), logger: logger)
        var registered = Registered(claimed: [], inserted: [])
        for try await (source, externalID, caseID) in rows {
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
