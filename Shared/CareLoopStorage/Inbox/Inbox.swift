import CareLoopContracts
import Logging
import PostgresNIO

/// The inbox: which consumed events already had their effect, so a redelivered event has none the second time.
///
/// Claim inside the handler's transaction: the claim commits with the handler's writes or rolls back with them,
/// and a concurrent claim of the same event waits for the first transaction to end.
/// The table (`inbox`, created by ``MigrationSet/platform``) lives in the service's schema.
package enum Inbox {
    /// Records `keys` as processed and returns the indexes of those seen for the first time; one round trip.
    ///
    /// Within `keys`, only the first occurrence of a `(source, eventID)` pair can be new.
    package static func claim(
        _ keys: [InboxKey], connection: PostgresConnection, logger: Logger = .storageSilent
    ) async throws -> Set<Int> {
        guard !keys.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            INSERT INTO inbox (source, event_id, topic, partition, "offset")
            SELECT k.source, k.event_id, k.topic, k.partition, k."offset"
            FROM unnest(
                \(keys.map(\.source))::text[], \(keys.map(\.eventID))::text[], \(keys.map(\.topic))::text[],
                \(keys.map(\.partition))::int4[], \(keys.map(\.offset))::int8[]
            ) WITH ORDINALITY AS k(source, event_id, topic, partition, "offset", position)
            ORDER BY k.position
            ON CONFLICT DO NOTHING
            RETURNING source, event_id
            """,
            logger: logger
        )
        var inserted: Set<EventIdentity> = []
        for try await (source, eventID) in rows.decode((String, String).self) {
            inserted.insert(EventIdentity(source: source, eventID: eventID))
        }
        var claimed: Set<Int> = []
        for (index, key) in keys.enumerated() {
            // The first occurrence of an inserted identity is the new one; later duplicates were seen.
            if inserted.remove(EventIdentity(source: key.source, eventID: key.eventID)) != nil {
                claimed.insert(index)
            }
        }
        return claimed
    }

    /// Deletes entries processed more than `age` ago and returns how many. Keep `age` well above the longest
    /// time a record can be redelivered (consumer-group rebalances, replays).
    @discardableResult
    package static func deleteProcessed(
        olderThan age: Duration, connection: PostgresConnection, logger: Logger = .storageSilent
    ) async throws -> Int {
        // Served by inbox_processed_at_idx.
        try await connection.deletedRowCount(
            "DELETE FROM inbox WHERE processed_at < now() - make_interval(secs => \(age.timeInterval)) RETURNING 1",
            logger: logger)
    }

    /// An event's idempotency key.
    private struct EventIdentity: Hashable {
        var source: String
        var eventID: String
    }
}
