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
        try await connection.query("\(outboxInsert: columns)", logger: logger)
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

    /// The advisory-lock key that lets one relay at a time work on `schema`'s outbox.
    package static func relayLockKey(schema: String) -> Int64 {
        StableHash.advisoryLockKey("outbox-relay", schema: schema)
    }

    /// What a relay's read found: whether it holds the relay lock, the rows, and the read's snapshot bounds.
    struct RelayRead: Sendable {
        /// Whether this relay took the lock (no other relay held it); nothing was read otherwise.
        var locked: Bool
        /// The oldest transaction id still running at the read (`pg_snapshot_xmin`, see ``OutboxScanFloor``).
        var oldestRunning: Int64
        /// The first transaction id not yet started at the read (`pg_snapshot_xmax`).
        var snapshotEnd: Int64
        /// Up to `limit` unsent rows in id order.
        var rows: [OutboxRow] = []
    }

    /// Takes the relay lock of `schema` (a session advisory lock: no other relay works until ``markSentAndUnlock``)
    /// and, when it got it, reads up to `limit` unsent rows with ids above `floor`: one statement, no transaction.
    ///
    /// The rows are read `FOR UPDATE`: a row that another relay marked after this statement's snapshot was taken
    /// (between the snapshot and the lock) is re-checked against its committed version and left out, and a row
    /// another relay is still marking is waited for. The caller must end the lease with ``markSentAndUnlock`` or
    /// close the connection: a pooled connection must not keep the lock.
    static func lockAndReadUnsent(
        schema: String, after floor: Int64, limit: Int, connection: PostgresConnection, logger: Logger
    ) async throws -> RelayRead {
        let key = relayLockKey(schema: schema)
        let rows = try await connection.query(
            """
            WITH relay AS MATERIALIZED (
                SELECT pg_try_advisory_lock(\(key)) AS locked,
                    pg_snapshot_xmin(pg_current_snapshot())::text::int8 AS oldest_running,
                    pg_snapshot_xmax(pg_current_snapshot())::text::int8 AS snapshot_end
            ),
            unsent AS (
                SELECT id, topic, key, value, headers FROM outbox
                WHERE (SELECT locked FROM relay) AND sent_at IS NULL AND id > \(floor)
                ORDER BY id LIMIT \(limit)
                FOR UPDATE
            )
            SELECT r.locked, r.oldest_running, r.snapshot_end, u.id, u.topic, u.key, u.value, u.headers::text
            FROM relay AS r LEFT JOIN unsent AS u ON true
            ORDER BY u.id
            """,
            logger: logger
        )
        var read = RelayRead(locked: false, oldestRunning: 0, snapshotEnd: 0)
        let columns = rows.decode((Bool, Int64, Int64, Int64?, String?, ByteBuffer?, ByteBuffer?, String?).self)
        for try await (locked, oldestRunning, snapshotEnd, id, topic, key, value, headers) in columns {
            read.locked = locked
            read.oldestRunning = oldestRunning
            read.snapshotEnd = snapshotEnd
            guard let id, let topic, let value, let headers else { continue }
            let message = OutboxMessage(
                topic: topic, key: key.map { Array($0.readableBytesView) }, value: Array(value.readableBytesView),
                headers: try OutboxHeaders.decode(headers))
            read.rows.append(OutboxRow(id: id, message: message))
        }
        return read
    }

    /// Marks the rows `ids` as published now, then releases the relay lock of `schema`: one statement, no
    /// transaction. The lock is released only after the rows are marked (and locked), so the next relay's read
    /// waits for this commit and skips them. The commit does not wait for its WAL flush: marks lost in a server
    /// crash only make the relay publish those rows again, which the at-least-once contract allows (consumers
    /// de-duplicate by id).
    static func markSentAndUnlock(ids: [Int64], schema: String, connection: PostgresConnection, logger: Logger) async throws {
        let key = relayLockKey(schema: schema)
        let rows = try await connection.query(
            """
            WITH marked AS (
                UPDATE outbox SET sent_at = now() WHERE id = ANY(\(ids)::int8[]) RETURNING 1
            )
            SELECT pg_advisory_unlock(\(key)), set_config('synchronous_commit', 'off', true)
            FROM (SELECT count(*) FROM marked) AS m
            """,
            logger: logger)
        for try await (unlocked, _) in rows.decode((Bool, String).self) where !unlocked {
            throw StorageError(.relayLockLost, "the outbox relay lock of \(schema) was not held when its batch was marked")
        }
    }
}

/// One stored outbox row.
struct OutboxRow: Sendable {
    var id: Int64
    var message: OutboxMessage
}

extension PostgresQuery.StringInterpolation {
    /// `INSERT INTO outbox …` of the rows `columns` hold, in their order: the statement
    /// ``Outbox/enqueue(_:connection:logger:)`` runs, or the last part of one that also writes other rows in CTEs
    /// (call ``Outbox/noteWrite(on:)`` for it).
    package mutating func appendInterpolation(outboxInsert columns: Outbox.Columns) {
        appendLiteral(
            """
            INSERT INTO outbox (topic, key, value, headers)
            SELECT m.topic, CASE WHEN m.has_key THEN m.key END, m.value, m.headers::jsonb
            FROM unnest(
            """)
        appendInterpolation(columns.topics)
        appendLiteral("::text[], ")
        appendInterpolation(columns.hasKeys)
        appendLiteral("::bool[], ")
        appendInterpolation(columns.keys)
        appendLiteral("::bytea[], ")
        appendInterpolation(columns.values)
        appendLiteral("::bytea[], ")
        appendInterpolation(columns.headers)
        appendLiteral("::text[]) WITH ORDINALITY AS m(topic, has_key, key, value, headers, position) ORDER BY m.position")
    }
}
