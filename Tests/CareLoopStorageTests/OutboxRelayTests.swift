import CareLoopContracts
import CareLoopStorage
import CareLoopTestSupport
import PostgresNIO
import ServiceLifecycle
import Testing

@Suite(.timeLimit(.minutes(2)))
struct OutboxRelayTests {
    let logger = PostgresTestCluster.logger

    func relay(
        _ database: Database, _ publisher: FakeOutboxPublisher,
        _ configure: (inout OutboxRelay.Configuration) -> Void = { _ in }
    ) -> OutboxRelay {
        var configuration = OutboxRelay.Configuration()
        configuration.pollInterval = .milliseconds(200)
        configuration.initialBackoff = .milliseconds(50)
        configure(&configuration)
        return OutboxRelay(database: database, publisher: publisher, configuration: configuration, logger: logger)
    }

    @Test func publishesInIdOrderAndMarksSent() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_order") { database in
            let publisher = FakeOutboxPublisher()
            let first = [
                message("m1", key: "case-1"),
                OutboxMessage(
                    topic: "careloop.workorders.v1", key: [], value: [0, 0xFF, 0x10],
                    headers: [
                        RecordHeader(key: "binary", value: [0xC3, 0x28]), RecordHeader(key: "null", value: nil),
                        RecordHeader(key: "ce_type", string: "careloop.case.registered"),
                        RecordHeader(key: "ce_type", string: "repeated"),
                    ]),
                OutboxMessage(topic: "careloop.cases.v1", key: nil, value: [], headers: []),
            ]
            let second = [message("m4", key: "case-1"), message("m5", key: "case-2")]
            try await database.enqueue(first)
            try await database.enqueue(second)

            let drained = try await withRunning([relay(database, publisher)]) {
                try await eventually { try await database.outboxState().unsent.isEmpty }
            }
            #expect(drained)

            #expect(await publisher.published == first + second)
            #expect(try await database.outboxState().sent.count == 5)
        }
    }

    @Test func failedMessageAndItsSameKeySuccessorsStayUnsentAndAreResentInOrder() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_failure") { database in
            let publisher = FakeOutboxPublisher()
            await publisher.failNext(value: Array("A1".utf8))
            try await database.enqueue([
                message("A1", key: "A"), message("B1", key: "B"), message("A2", key: "A"), message("N1"),
            ])
            let relay = relay(database, publisher) { $0.initialBackoff = .milliseconds(500) }

            try await withRunning([relay]) {
                #expect(await eventually { await publisher.batches.count == 1 })
                await publisher.hold()  // the retry waits inside publish until the state is checked
                let firstBatchMarked = try await eventually { try await database.outboxState().sent == ["B1", "N1"] }
                let unsent = try await database.outboxState().unsent
                #expect(firstBatchMarked)
                #expect(unsent == ["A1", "A2"])

                await publisher.release()
                let drained = try await eventually { try await database.outboxState().unsent.isEmpty }
                #expect(drained)
            }

            let batches = await publisher.batches.map(values)
            #expect(batches == [["A1", "B1", "A2", "N1"], ["A1", "A2"]])
        }
    }

    @Test func twoRelaysOnOneSchemaNeverPublishTheSameRowTwice() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_pair") { database in
            let replica = try Database(configuration: database.configuration, logger: logger)
            let publisher = FakeOutboxPublisher(delay: .milliseconds(10))
            let relays = [database, replica].map { database in
                relay(database, publisher) {
                    $0.batchSize = 7
                    $0.pollInterval = .milliseconds(20)
                }
            }

            // Relays stop before the replica's pool (as a ServiceGroup orders it), never together with it.
            try await withRunning([replica]) {
                try await withRunning(relays) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for transaction in 0..<20 {
                            group.addTask {
                                try await database.enqueue(
                                    (0..<10).map { message("t\(transaction)-\($0)", key: "k\($0)") })
                            }
                        }
                        try await group.waitForAll()
                    }
                    let drained = try await eventually { try await database.outboxState().unsent.isEmpty }
                    #expect(drained)
                }
            }

            let published = await publisher.published
            #expect(published.count == 200)
            #expect(Set(values(published)).count == 200)
            #expect(await publisher.concurrentDuplicates.isEmpty)
        }
    }

    @Test func theRelayLockIsReleasedAfterEveryBatchSoAnotherReplicaPublishesItsRowsAtOnce() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_release") { database in
            let replica = try Database(configuration: database.configuration, logger: logger)
            let publisher = FakeOutboxPublisher()
            let relays = [database, replica].map { database in relay(database, publisher) { $0.pollInterval = .seconds(30) } }
            // This schema's relay lock (a bigint key: high half in classid, low half in objid); other tests run beside.
            let key = Outbox.relayLockKey(schema: database.schema)
            let advisoryLocks: PostgresQuery = """
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
                    AND ((classid::text::int8 << 32) | objid::text::int8) = \(key)
                """

            try await withRunning([replica]) {
                try await withRunning(relays) {
                    try await database.enqueue([message("first")])
                    #expect(await eventually(timeout: .seconds(20)) { await publisher.published.count == 1 })
                    #expect(try await eventually { try await database.scalar(advisoryLocks, as: Int.self) == 0 })

                    // The other replica's commit wakes its own relay, which must find the lock free (polls are 30 s away).
                    let start = ContinuousClock.now
                    try await replica.enqueue([message("second")])
                    #expect(await eventually(timeout: .seconds(20)) { await publisher.published.count == 2 })
                    #expect(ContinuousClock.now - start < .seconds(20))
                    #expect(try await eventually { try await database.scalar(advisoryLocks, as: Int.self) == 0 })
                }
            }
            #expect(values(await publisher.published) == ["first", "second"])
        }
    }

    @Test func aCommitOfThisProcessWakesTheRelayLongBeforeThePollInterval() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_wake") { database in
            let publisher = FakeOutboxPublisher()
            let relay = relay(database, publisher) { $0.pollInterval = .seconds(30) }

            try await withRunning([relay]) {
                // Let the start-up batch finish, so only the commit can trigger the next one.
                try await Task.sleep(for: .milliseconds(300))
                let start = ContinuousClock.now

                try await database.enqueue([message("wake-up")])

                // The poll interval is 30 s: arriving within 20 s proves the commit woke the relay
                // (no wall-clock bound tighter than that, so a loaded CI machine cannot make it flaky).
                #expect(await eventually(timeout: .seconds(20)) { await publisher.published.count == 1 })
                #expect(ContinuousClock.now - start < .seconds(20))
            }
        }
    }

    @Test func whileAnotherRelayHoldsTheLockItTriesAgainSoonInsteadOfWaitingForThePoll() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_standby") { database in
            let publisher = FakeOutboxPublisher()
            let relay = relay(database, publisher) {
                $0.pollInterval = .seconds(30)
                $0.standbyRetryDelay = .milliseconds(10)
                $0.standbyRetries = 1_000
            }
            let key = Outbox.relayLockKey(schema: database.schema)

            try await withRunning([relay]) {
                try await Task.sleep(for: .milliseconds(300))
                // Another replica's relay, in the middle of a batch: it holds the lock for 500 ms.
                let (locked, release) = AsyncStream<Void>.makeStream()
                let holder = Task {
                    try await database.withTransaction { connection in
                        _ = try await connection.query("SELECT pg_advisory_xact_lock(\(key))", logger: logger)
                        release.yield()
                        try await Task.sleep(for: .milliseconds(500))
                    }
                }
                var waitForLock = locked.makeAsyncIterator()
                _ = await waitForLock.next()
                let start = ContinuousClock.now

                try await database.enqueue([message("behind-the-lock")])

                #expect(await eventually(timeout: .seconds(20)) { await publisher.published.count == 1 })
                #expect(ContinuousClock.now - start < .seconds(20))
                try await holder.value
            }
        }
    }

    @Test func drainsABacklogLargerThanABatchWithoutWaiting() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_backlog") { database in
            let publisher = FakeOutboxPublisher()
            try await database.enqueue((1...45).map { message("m\($0)") })
            let relay = relay(database, publisher) {
                $0.batchSize = 10
                $0.pollInterval = .seconds(30)
            }
            let start = ContinuousClock.now

            try await withRunning([relay]) {
                // Five batches at a 30 s poll interval would take minutes; within 20 s means no waiting between them.
                #expect(await eventually(timeout: .seconds(20)) { await publisher.published.count == 45 })
                #expect(ContinuousClock.now - start < .seconds(20))
            }

            #expect(values(await publisher.published) == (1...45).map { "m\($0)" })
            #expect(await publisher.batches.map(\.count) == [10, 10, 10, 10, 5])
        }
    }

    @Test func gracefulShutdownFinishesTheBatchInFlightThenStops() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_shutdown") { database in
            let publisher = FakeOutboxPublisher()
            await publisher.hold()
            let group = ServiceGroup(services: [relay(database, publisher)], logger: logger)

            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await database.enqueue([message("in-flight")])
                #expect(await eventually { await publisher.batches.count == 1 })

                await group.triggerGracefulShutdown()
                try await database.enqueue([message("after-shutdown")])
                try await Task.sleep(for: .milliseconds(200))
                let sentWhilePublishing = try await database.outboxState().sent
                #expect(sentWhilePublishing.isEmpty, "the batch is still being published")

                await publisher.release()
                try await tasks.next()  // the relay returned, so the group did
            }

            let state = try await database.outboxState()
            #expect(state.sent == ["in-flight"])
            #expect(state.unsent == ["after-shutdown"])
            #expect(await publisher.batches.count == 1)
        }
    }
}
