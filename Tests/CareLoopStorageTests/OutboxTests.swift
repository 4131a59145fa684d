import CareLoopContracts
import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO
import Testing

@Suite(.timeLimit(.minutes(1)))
struct OutboxTests {
    struct HandlerFailure: Error {}

    @Test func enqueueInARolledBackTransactionLeavesNothing() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "outbox_rollback") { database in
            await #expect(throws: HandlerFailure.self) {
                try await database.withTransaction { connection in
                    try await Outbox.enqueue([message("m1"), message("m2")], connection: connection)
                    throw HandlerFailure()
                }
            }

            let rows = try await database.scalar("SELECT count(*) FROM outbox", as: Int.self)
            #expect(rows == 0)
        }
    }

    @Test func enqueueStoresMessagesInOrderAsUnsent() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "outbox_order") { database in
            try await database.enqueue((1...50).map { message("m\($0)", key: "k\($0 % 3)") })
            try await database.enqueue([])

            let state = try await database.outboxState()
            #expect(state.unsent == (1...50).map { "m\($0)" })
            #expect(state.sent.isEmpty)
            let pending = try await database.withConnection { try await Outbox.pendingCount(connection: $0) }
            #expect(pending == 50)
        }
    }

    @Test func deleteSentRemovesOnlyRowsSentBeforeTheRetention() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "outbox_retention") { database in
            try await database.enqueue([message("old"), message("recent"), message("unsent")])
            _ = try await database.scalar(
                """
                UPDATE outbox SET sent_at = CASE convert_from(value, 'UTF8')
                    WHEN 'old' THEN now() - interval '25 hours' WHEN 'recent' THEN now() - interval '1 hour' END
                WHERE convert_from(value, 'UTF8') IN ('old', 'recent') RETURNING 1
                """, as: Int.self)

            let deleted = try await database.withConnection { connection in
                try await Outbox.deleteSent(olderThan: .seconds(24 * 3600), connection: connection)
            }

            #expect(deleted == 1)
            let state = try await database.outboxState()
            #expect(state.sent == ["recent"])
            #expect(state.unsent == ["unsent"])
        }
    }

    /// How many wake-ups `database`'s relays got while `body` ran (a registered stream, read after a short pause).
    func wakeUps(_ database: Database, during body: () async throws -> Void) async throws -> Int {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let token = database.outboxCommits.register(continuation)
        try await body()
        database.outboxCommits.unregister(token)
        continuation.finish()
        var count = 0
        for await _ in stream { count += 1 }
        return count
    }

    @Test func onlyCommitsThatWroteOutboxRowsWakeTheRelays() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "outbox_wake") { database in
            let committed = try await wakeUps(database) {
                try await database.enqueue([message("m1")])
                try await database.enqueue([message("m2"), message("m3")])
            }
            #expect(committed == 2)

            let rolledBackThenPlain = try await wakeUps(database) {
                await #expect(throws: HandlerFailure.self) {
                    try await database.withTransaction { connection in
                        try await Outbox.enqueue([message("m4")], connection: connection)
                        throw HandlerFailure()
                    }
                }
                // The rolled-back write is forgotten: a later transaction on the pool's connection wakes nobody.
                try await database.withTransaction { connection in
                    _ = try await connection.query("SELECT 1", logger: PostgresTestCluster.logger)
                }
                try await database.enqueue([])
            }
            #expect(rolledBackThenPlain == 0)
        }
    }

    @Test func theOutboxHasNoNotifyTriggerLeft() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "outbox_trigger") { database in
            let triggers = try await database.scalar(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'outbox'::regclass AND NOT tgisinternal", as: Int.self)
            #expect(triggers == 0)
        }
    }
}
