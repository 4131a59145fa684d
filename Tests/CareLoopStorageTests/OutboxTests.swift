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

    @Test func notificationChannelMatchesTheTriggersAndFitsAnIdentifier() {
        #expect(Outbox.notificationChannel(schema: "intake") == "careloop_outbox_intake")
        #expect(Outbox.notificationChannel(schema: String(repeating: "s", count: 63)).utf8.count == 63)
    }
}
