import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO
import Testing

@Suite(.timeLimit(.minutes(1)))
struct InboxTests {
    struct HandlerFailure: Error {}

    func key(_ eventID: String, source: String = "crm://acme/hotline", offset: Int64 = 0) -> InboxKey {
        InboxKey(source: source, eventID: eventID, topic: "careloop.intake.v1", partition: 2, offset: offset)
    }

    func claim(_ keys: [InboxKey], in database: Database) async throws -> Set<Int> {
        try await database.withTransaction { connection in
            try await Inbox.claim(keys, connection: connection)
        }
    }

    @Test func firstClaimIsNewAndASecondIsNot() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "inbox_once") { database in
            let first = try await claim([key("e1"), key("e2")], in: database)
            let second = try await claim([key("e1", offset: 9), key("e3")], in: database)
            let third = try await claim([key("e1"), key("e2"), key("e3")], in: database)
            #expect(first == [0, 1])
            #expect(second == [1])
            #expect(third == [])
        }
    }

    @Test func duplicatesWithinOneBatchCountOnce() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "inbox_dup") { database in
            let keys = [key("e1"), key("e1", offset: 1), key("e2"), key("e1", offset: 2), key("e2", offset: 3)]
            let claimed = try await claim(keys, in: database)
            #expect(claimed == [0, 2])
        }
    }

    @Test func theSameEventIDFromAnotherSourceIsAnotherEvent() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "inbox_source") { database in
            let first = try await claim([key("e1", source: "app://a")], in: database)
            let second = try await claim([key("e1", source: "app://b"), key("e1", source: "app://a")], in: database)
            #expect(first == [0])
            #expect(second == [0])
        }
    }

    @Test func aRolledBackClaimCanBeClaimedAgain() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "inbox_rollback") { database in
            await #expect(throws: HandlerFailure.self) {
                try await database.withTransaction { connection in
                    let claimed = try await Inbox.claim([key("e1")], connection: connection)
                    #expect(claimed == [0])
                    throw HandlerFailure()
                }
            }
            let again = try await claim([key("e1")], in: database)
            #expect(again == [0])
        }
    }

    @Test func aReleasedEventCanBeClaimedAgain() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "inbox_release") { database in
            _ = try await claim([key("e1"), key("e2")], in: database)

            try await database.withTransaction { connection in
                try await Inbox.release([key("e1")], connection: connection)
            }

            let again = try await claim([key("e1"), key("e2")], in: database)
            #expect(again == [0])
        }
    }

    @Test func aConcurrentClaimWaitsForTheFirstAndThenSeesIt() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "inbox_race") { database in
            let (firstClaimed, firstClaimedSignal) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Set<Int>.self) { group in
                group.addTask {
                    try await database.withTransaction { connection in
                        let claimed = try await Inbox.claim([key("e1")], connection: connection)
                        firstClaimedSignal.yield()
                        // Keep the transaction open while the second claim starts.
                        try await Task.sleep(for: .milliseconds(300))
                        return claimed
                    }
                }
                for await _ in firstClaimed { break }
                group.addTask { try await claim([key("e1")], in: database) }
                let results = try await [group.next(), group.next()].compactMap { $0 }
                #expect(results.contains([0]))
                #expect(results.contains([]))
            }
        }
    }

    @Test func retentionDeletesOnlyOldEntries() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "inbox_retention") { database in
            _ = try await claim([key("old"), key("new")], in: database)
            _ = try await database.scalar(
                "UPDATE inbox SET processed_at = now() - interval '8 days' WHERE event_id = 'old' RETURNING 1",
                as: Int.self)

            let deleted = try await database.withConnection { connection in
                try await Inbox.deleteProcessed(olderThan: .seconds(7 * 24 * 3600), connection: connection)
            }

            let claimedAgain = try await claim([key("old"), key("new")], in: database)
            #expect(deleted == 1)
            #expect(claimedAgain == [0])
        }
    }
}
