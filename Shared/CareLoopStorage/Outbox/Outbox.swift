import CareLoopContracts
import Logging
import PostgresNIO

/// The transactional outbox: Kafka records written in the same transaction as the state change they announce,
/// published afterwards by the ``OutboxRelay``.
///
/// The table (`outbox`, created by ``MigrationSet/platform``) lives in the service's schema. A transaction of
/// ``Database/withTransaction(isolation:_:)`` that wrote rows wakes the process's relays when it commits
/// (``OutboxCommits``).
package enum Outbox {
    /// Notes that the transaction open on `connection` wrote outbox rows, so that its commit wakes the relays.
    /// ``enqueue(_:connection:logger:)`` does this; a statement that writes `outbox` itself must call it.
    package static func noteWrite(on connection: PostgresConnection) {
        OutboxCommits.noteWrite(on: connection)
    }

    /// Stores `messages`, in order, inside the caller's transaction on `connection`: one round trip.
    ///
    /// Nothing is published unless that transaction commits.
    package static func enqueue(
        _ messages: [OutboxMessage], connection: PostgresConnection, logger: Logger = .storageSilent
    ) async throws {
        guard !messages.isEmpty else { return }
        let columns = try Columns(messages)
        noteWrite(on: connection)
        try await connection.query(
            """
            INSERT INTO outbox (topic, key, value, headers)
            SELECT m.topic, CASE WHEN m.has_key THEN m.key END, m.value, m.headers::jsonb
            FROM unnest(\(columns.topics)::text[], \(columns.hasKeys)::bool[], \(columns.keys)::bytea[], \(columns.values)::bytea[],
                \(columns.headers)::text[])
                WITH ORDINALITY AS m(topic, has_key, key, value, headers, position)
            ORDER BY m.position
            """,
            logger: logger
        )
    }

    /// Messages as the arrays `outbox` rows are made from, for a statement that writes outbox rows together with
    /// the state change they announce (one statement instead of two). Insert them as ``enqueue(_:connection:logger:)``
    /// does: `topic`, `CASE WHEN has_key THEN key END`, `value`, `headers::jsonb`, in array order.
    package struct Columns: Sendable {
        package var topics: [String] = []
        package var hasKeys: [Bool] = []
        package var keys: [ByteBuffer] = []
        package var values: [ByteBuffer] = []
        /// `outbox.headers` as JSON text.
        package var headers: [String] = []

        /// The columns of `messages`, in order.
        package init(_ messages: [OutboxMessage]) throws {
            for message in messages {
                topics.append(message.topic)
                hasKeys.append(message.key != nil)
                keys.append(ByteBuffer(bytes: message.key ?? []))
                values.append(ByteBuffer(bytes: message.value))
                headers.append(try OutboxHeaders.encode(message.headers))
            }
        }
    }

    /// Number of rows not yet published (served by the partial index on unsent rows).
    package static func pendingCount(
        connection: PostgresConnection, logger: Logger = .storageSilent
    ) async throws -> Int {
        try await connection.queryValue(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL", as: Int.self, logger: logger) ?? 0
    }

    /// Deletes rows published more than `age` ago and returns how many; unsent rows are never deleted.
    ///
    /// No index serves `sent_at` (it would cost every update that marks a row sent); the relay runs this rarely.
    @discardableResult
    package static func deleteSent(
        olderThan age: Duration, connection: PostgresConnection, logger: Logger = .storageSilent
    ) async throws -> Int {
        try await connection.deletedRowCount(
            "DELETE FROM outbox WHERE sent_at < now() - make_interval(secs => \(age.timeInterval)) RETURNING 1",
            logger: logger)
    }

    /// Takes the relay's transaction-scoped advisory lock for `schema` if no other relay holds it; also returns the
    /// oldest transaction id still running at that moment (see ``OutboxScanFloor``).
    static func tryLockRelay(
        schema: String, connection: PostgresConnection, logger: Logger
    ) async throws -> (locked: Bool, oldestRunning: Int64) {
        let key = StableHash.advisoryLockKey("outbox-relay", schema: schema)
        // The relay's commit does not wait for its WAL flush: marks lost in a server crash only make the relay
        // publish those rows again, which the at-least-once contract allows (consumers de-duplicate by id).
        let rows = try await connection.query(
            """
            SELECT pg_try_advisory_xact_lock(\(key)), pg_snapshot_xmin(pg_current_snapshot())::text::int8,
                set_config('synchronous_commit', 'off', true)
            """,
            logger: logger)
        for try await (locked, oldestRunning, _) in rows.decode((Bool, Int64, String).self) { return (locked, oldestRunning) }
        return (false, 0)
    }

    /// Up to `limit` unsent rows with ids above `floor`, in id order, locked until the transaction ends; with the
    /// first transaction id not yet started when they were read (`nil` when there are none).
    static func lockUnsent(
        after floor: Int64, limit: Int, connection: PostgresConnection, logger: Logger
    ) async throws -> (rows: [OutboxRow], snapshotEnd: Int64?) {
        let rows = try await connection.query(
            """
            SELECT id, topic, key, value, headers::text, pg_snapshot_xmax(pg_current_snapshot())::text::int8
            FROM outbox WHERE sent_at IS NULL AND id > \(floor)
            ORDER BY id LIMIT \(limit)
            FOR UPDATE
            """,
            logger: logger
        )
        var result: [OutboxRow] = []
        var snapshotEnd: Int64?
        let columns = rows.decode((Int64, String, ByteBuffer?, ByteBuffer, String, Int64).self)
        for try await (id, topic, key, value, headers, end) in columns {
            let message = OutboxMessage(
                topic: topic, key: key.map { Array($0.readableBytesView) }, value: Array(value.readableBytesView),
                headers: try OutboxHeaders.decode(headers))
            result.append(OutboxRow(id: id, message: message))
            snapshotEnd = end
        }
        return (result, snapshotEnd)
    }

    /// Marks the rows `ids` as published now.
    static func markSent(ids: [Int64], connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query("UPDATE outbox SET sent_at = now() WHERE id = ANY(\(ids)::int8[])", logger: logger)
    }
}

/// One stored outbox row.
struct OutboxRow: Sendable {
    var id: Int64
    var message: OutboxMessage
}
