import Logging
import PostgresNIO

extension Inbox {
    /// Forgets `keys` inside the caller's transaction, for events the handler rejected: a later replay of
    /// the same `(source, event_id)` (a corrected resend, or a dead letter put back) is then handled anew.
    package static func release(_ keys: [InboxKey], connection: PostgresConnection, logger: Logger = .storageSilent) async throws {
        guard !keys.isEmpty else { return }
        let sources = keys.map(\.source)
        let eventIDs = keys.map(\.eventID)
        try await connection.query(
            """
            DELETE FROM inbox i USING unnest(\(sources)::text[], \(eventIDs)::text[]) AS k(source, event_id)
            WHERE i.source = k.source AND i.event_id = k.event_id
            """, logger: logger)
    }
}
