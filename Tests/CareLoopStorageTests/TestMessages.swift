import CareLoopContracts
import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO

/// An outbox message whose value (and key) are readable strings.
func message(_ value: String, key: String? = nil, topic: String = "careloop.cases.v1") -> OutboxMessage {
    OutboxMessage(
        topic: topic, key: key.map { Array($0.utf8) }, value: Array(value.utf8),
        headers: [RecordHeader(key: "ce_id", string: value)])
}

/// The message values, as strings.
func values(_ messages: [OutboxMessage]) -> [String] {
    messages.map { String(decoding: $0.value, as: UTF8.self) }
}

extension Database {
    /// Enqueues `messages` in one committed transaction.
    func enqueue(_ messages: [OutboxMessage]) async throws {
        try await withTransaction { connection in
            try await Outbox.enqueue(messages, connection: connection)
        }
    }

    /// The values of sent and unsent outbox rows, each in id order.
    func outboxState() async throws -> (sent: [String], unsent: [String]) {
        try await withConnection { connection in
            let rows = try await connection.query(
                "SELECT value, sent_at IS NOT NULL FROM outbox ORDER BY id", logger: PostgresTestCluster.logger)
            var state: (sent: [String], unsent: [String]) = ([], [])
            for try await (value, sent) in rows.decode((ByteBuffer, Bool).self) {
                let text = String(buffer: value)
                if sent { state.sent.append(text) } else { state.unsent.append(text) }
            }
            return state
        }
    }

    /// Runs a statement and discards its rows.
    func execute(_ query: PostgresQuery) async throws {
        try await withConnection { connection in
            _ = try await connection.query(query, logger: PostgresTestCluster.logger).collect()
        }
    }

    /// Runs a statement that returns a single value.
    func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        try await withConnection { connection in
            try await connection.queryValue(query, as: T.self, logger: PostgresTestCluster.logger)
        }
    }
}
