import CareLoopContracts
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import RoutingService

@Suite("SLA timers against PostgreSQL: firing leaves timer rows alone, sweeping, arming again", .timeLimit(.minutes(3)))
struct SLATimerFiringTests {
    let logger = RoutingDatabase.logger

    /// Registers a property-facilities complaint `hoursAgo` hours ago (24/7 calendar) and returns its id.
    func register(hoursAgo: Double, project: String = "P-1", owner: String = "OWN-1", book: RuleBook, database: Database) async throws -> UUID {
        let data = RoutingFixtures.registered(
            title: "Corridor light broken", description: "dark", kind: .complaint, categoryHint: "property.facilities",
            project: project, owner: owner, at: Date().addingTimeInterval(-hoursAgo * 3600))
        let handler = CaseRegisteredHandler(ruleBook: book, eventSource: RoutingDatabase.source, replica: "test/1")
        _ = try await RoutingDatabase.apply(handler, [try RoutingDatabase.registered(data)], database: database)
        return try #require(UUID(uuidString: data.caseID))
    }

    func worker(_ book: RuleBook, _ database: Database, batchSize: Int = 10, sweepAfter: Duration = .seconds(60)) -> SLATimerWorker {
        SLATimerWorker(
            database: database, ruleBook: book, eventSource: RoutingDatabase.source,
            configuration: SLATimerWorker.Configuration(batchSize: batchSize, pollInterval: .milliseconds(10), sweepAfter: sweepAfter),
            logger: logger)
    }

    /// Fires batches at `now` until nothing is due, as the worker does while a backlog drains; returns the timers fired.
    func drain(_ worker: SLATimerWorker, at now: Date) async throws -> Int {
        var fired = 0
        var from: Date?
        while true {
            let outcome = try await worker.fireDue(at: now, from: from)
            if outcome.timers == 0 { return fired }
            fired += outcome.fired
            from = outcome.latestDue
        }
    }

    /// Every timer row's physical version (`ctid`, `xmin`): unchanged means nobody wrote the row.
    func rowVersions(_ database: Database) async throws -> [String] {
        try await database.withConnection { connection in
            try await connection.query(
                "SELECT deadline || '/' || kind || '@' || ctid::text || '/' || xmin::text FROM sla_timers ORDER BY deadline, kind",
                logger: logger
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
        }
    }

    @Test("firing writes no timer row; fired timers are recorded apart, never claimed again, and swept after sweepAfter")
    func firingAndSweeping() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            let caseID = try await register(hoursAgo: 2, book: book, database: database)  // the acknowledge timers are due
            let worker = worker(book, database)
            let before = try await rowVersions(database)
            #expect(before.count == 6)

            let now = Date()
            let outcome = try await worker.fireDue(at: now)
            #expect(outcome.fired == 2)
            #expect(try await rowVersions(database) == before, "the fired rows were not written")
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_firings", database) == 2)
            #expect(
                try await RoutingDatabase.int(
                    "SELECT count(*) FROM sla_timer_states WHERE deadline = 'acknowledge' AND fired_at IS NOT NULL", database) == 2)
            #expect(try await worker.fireDue(at: now).timers == 0, "fired timers are not claimed again")

            // Not yet: fired 30 s ago against a minute on record.
            #expect(await worker.sweep(at: now.addingTimeInterval(30)) == 0)
            // A case somebody holds is left for a later sweep.
            try await database.withTransaction { connection in
                _ = try await CaseStore.lock([caseID], connection: connection, logger: logger)
                #expect(await worker.sweep(at: now.addingTimeInterval(61)) == 0)
            }
            #expect(await worker.sweep(at: now.addingTimeInterval(61)) == 2)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_firings", database) == 0)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timers WHERE deadline = 'acknowledge'", database) == 0)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 4)
            #expect(try await worker.fireDue(at: now).timers == 0, "a swept timer does not come back")
            let types = try await RoutingDatabase.outbox(database).map(\.type)
            #expect(types == ["careloop.case.routed", "careloop.case.sla_warning", "careloop.case.sla_breached", "careloop.case.escalated"])
        }
    }

    @Test("a batch fires a case's timers up to the latest due time it claimed; the later ones wait for their claim")
    func firingStopsAtTheClaim() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            _ = try await register(hoursAgo: 100, book: book, database: database)  // all six timers are overdue
            let worker = worker(book, database, batchSize: 2)
            let now = Date()
            let first = try await worker.fireDue(at: now)
            #expect(first.timers == 2 && first.fired == 2, "the acknowledge warning and breach only")
            #expect(
                try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 4)
            var batches = 1
            var from = first.latestDue
            while true {
                let outcome = try await worker.fireDue(at: now, from: from)
                if outcome.timers == 0 { break }
                #expect(outcome.fired == outcome.timers, "each claimed timer fires in its own batch")
                batches += 1
                from = outcome.latestDue
            }
            #expect(batches == 3)
            let sla = try await RoutingDatabase.outbox(database).filter { $0.type != "careloop.case.routed" && $0.type != "careloop.case.escalated" }
            #expect(sla.map(\.data.deadline) == ["acknowledge", "acknowledge", "respond", "respond", "resolve", "resolve"])
            #expect(sla.map(\.type).filter { $0 == "careloop.case.sla_warning" }.count == 3)
        }
    }

    @Test("a reopening arms the fired resolve timers again, whether or not they were swept, and they fire again")
    func reopeningArmsAgain() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            let rules = await book.rules
            // Registered 100 h ago: all six timers are overdue.
            let swept = try await register(hoursAgo: 100, project: "P-1", owner: "OWN-1", book: book, database: database)
            let kept = try await register(hoursAgo: 100, project: "P-2", owner: "OWN-2", book: book, database: database)
            let worker = worker(book, database, sweepAfter: .zero)
            let now = Date()
            #expect(try await drain(worker, at: now) == 12)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_firings", database) == 12)
            // Only the first case's fired timers are swept (the second is held meanwhile).
            try await database.withTransaction { connection in
                _ = try await CaseStore.lock([kept], connection: connection, logger: logger)
                #expect(await worker.sweep(at: now.addingTimeInterval(1)) == 6)
            }
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timers WHERE case_id = '\(swept)'", database) == 0)

            // Staff acknowledge and resolve both cases, then reopen them: the resolve clock runs again from the reopening.
            for action in [StaffAction.acknowledge, .resolve(reason: "light replaced"), .reopen(reason: "flickers again")] {
                try await database.withTransaction { connection in
                    var records = try await CaseStore.lock([swept, kept], connection: connection, logger: logger)
                    for index in records.indices {
                        try records[index].perform(
                            action, by: "staff-1", at: now, rules: rules.context(for: records[index]), routing: rules)
                    }
                    try await CaseStore.save(records, now: now, eventSource: RoutingDatabase.source, connection: connection, logger: logger)
                }
            }
            for caseID in [swept, kept] {
                #expect(
                    try await RoutingDatabase.int(
                        "SELECT count(*) FROM sla_timer_states WHERE case_id = '\(caseID)' AND deadline = 'resolve' AND fired_at IS NULL",
                        database) == 2, "armed again")
                #expect(
                    try await RoutingDatabase.int(
                        "SELECT count(*) FROM sla_timer_states WHERE case_id = '\(caseID)' AND deadline = 'resolve' AND due_at > now()",
                        database) == 2, "due from the reopening")
            }
            // Far later, both resolve timers of both cases fire once more.
            let later = now.addingTimeInterval(30 * 86_400)
            #expect(try await drain(worker, at: later) == 4)
            #expect(try await worker.fireDue(at: later).timers == 0)
            let breaches = try await RoutingDatabase.outbox(database).filter { $0.type == "careloop.case.sla_breached" && $0.data.deadline == "resolve" }
            #expect(breaches.count == 4, "each case's resolve deadline breached before and after the reopening")
        }
    }
}
