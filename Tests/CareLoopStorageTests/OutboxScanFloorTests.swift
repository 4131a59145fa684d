import CareLoopTestSupport
import PostgresNIO
import Testing

@testable import CareLoopStorage

/// The relay's scan floor moves only once every transaction that could still commit a row below it has ended, and
/// never past a row that is still unsent.
@Suite struct OutboxScanFloorTests {
    @Test func theFloorMovesOneEpochLate() {
        var floor = OutboxScanFloor(fullReadInterval: .seconds(3600))
        #expect(floor.start() == 0)
        floor.record(oldestRunning: 100, ids: [1, 2, 3], snapshotEnd: 105, limitReached: false, unsent: [])
        #expect(floor.start() == 0)  // transactions 100…104 may still commit rows below 3
        floor.record(oldestRunning: 104, ids: [4], snapshotEnd: 106, limitReached: false, unsent: [])
        #expect(floor.start() == 0)
        floor.record(oldestRunning: 105, ids: [5], snapshotEnd: 110, limitReached: false, unsent: [])
        #expect(floor.start() == 3)  // all of them ended before this read, which started at 0
        floor.record(oldestRunning: 111, ids: [6], snapshotEnd: 112, limitReached: false, unsent: [])
        #expect(floor.start() == 5)
    }

    @Test func theFloorStaysBelowUnsentRowsAndTheEndOfAFullRead() {
        var floor = OutboxScanFloor(fullReadInterval: .seconds(3600))
        _ = floor.start()
        floor.record(oldestRunning: 10, ids: [1, 2, 3, 4], snapshotEnd: 20, limitReached: false, unsent: [])
        floor.record(oldestRunning: 20, ids: [5, 6], snapshotEnd: 30, limitReached: false, unsent: [5])
        #expect(floor.start() == 4)  // 5 failed
        floor.record(oldestRunning: 30, ids: [5, 6, 7, 8], snapshotEnd: 40, limitReached: true, unsent: [])
        #expect(floor.start() == 6)  // the epoch's candidate
        floor.record(oldestRunning: 40, ids: [7, 8, 9], snapshotEnd: 50, limitReached: true, unsent: [])
        #expect(floor.start() == 8)  // read up to 9 only, limit reached at 9: candidate 8
    }

    @Test func aResetOrADueFullReadStartsFromTheFirstRow() {
        var floor = OutboxScanFloor(fullReadInterval: .seconds(10))
        let start = ContinuousClock.now
        #expect(floor.start(now: start) == 0)
        floor.record(oldestRunning: 1, ids: [1], snapshotEnd: 2, limitReached: false, unsent: [])
        floor.record(oldestRunning: 2, ids: [2], snapshotEnd: 3, limitReached: false, unsent: [])
        #expect(floor.start(now: start + .seconds(1)) == 1)
        #expect(floor.start(now: start + .seconds(11)) == 0)
        floor.record(oldestRunning: 3, ids: [3], snapshotEnd: 4, limitReached: false, unsent: [])
        floor.record(oldestRunning: 4, ids: [4], snapshotEnd: 5, limitReached: false, unsent: [])
        #expect(floor.start(now: start + .seconds(12)) == 3)
        floor.reset()
        #expect(floor.start(now: start + .seconds(13)) == 0)
    }
}

/// With PostgreSQL: a row whose transaction commits after rows with higher ids were published is still published.
@Suite(.timeLimit(.minutes(2)))
struct OutboxLateCommitTests {
    @Test func aRowCommittedAfterLaterRowsWerePublishedIsPublished() async throws {
        try await PostgresTestCluster.withDatabase(prefix: "relay_late") { database in
            let publisher = FakeOutboxPublisher()
            var configuration = OutboxRelay.Configuration()
            configuration.pollInterval = .milliseconds(20)
            configuration.fullReadInterval = .seconds(3600)  // no safety-net read during the test
            let relay = OutboxRelay(
                database: database, publisher: publisher, configuration: configuration, logger: PostgresTestCluster.logger)
            try await withRunning([relay]) {
                try await database.enqueue([message("early")])
                #expect(try await eventually { try await database.outboxState().unsent.isEmpty })
                try await database.withTransaction { connection in
                    try await Outbox.enqueue([message("late")], connection: connection)  // takes its id now
                    for round in 0..<6 {
                        try await database.enqueue([message("after-\(round)")])
                        let published = try await eventually { try await database.outboxState().sent.contains("after-\(round)") }
                        #expect(published)
                    }
                }
                #expect(try await eventually { try await database.outboxState().unsent.isEmpty })
            }
            let published = values(await publisher.published)
            #expect(published.count == 8)
            #expect(published.contains("late"))
        }
    }
}
