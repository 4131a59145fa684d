import CareLoopContracts
import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import RoutingService

@Suite("Routing against PostgreSQL: routing, timers, group incidents, follow-ups", .timeLimit(.minutes(3)))
struct RoutingStorageTests {
    let logger = RoutingDatabase.logger

    func handler(_ book: RuleBook) -> CaseRegisteredHandler {
        CaseRegisteredHandler(ruleBook: book, eventSource: RoutingDatabase.source, replica: "test/1")
    }

    @Test("a registered case is routed once: row, six timers, timeline and routed event; a redelivery adds nothing")
    func routesOnce() async throws {
        try await RoutingDatabase.with { database in
            let handler = handler(try RoutingDatabase.ruleBook())
            let data = RoutingFixtures.registered(kind: .repair, at: Date())
            // The same case under two event ids (a re-publication), in one batch and again later.
            let events = [try RoutingDatabase.registered(data), try RoutingDatabase.registered(data)]
            #expect(try await RoutingDatabase.apply(handler, events, database: database).isEmpty)
            #expect(try await RoutingDatabase.apply(handler, [try RoutingDatabase.registered(data)], database: database).isEmpty)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE status = 'routed'", database) == 1)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 6)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM case_timeline WHERE action = 'routed'", database) == 1)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE requires_work_order AND rules_version = '1.0.0' AND routed_by = 'test/1'", database) == 1)
            let published = try await RoutingDatabase.outbox(database)
            #expect(published.map(\.type) == ["careloop.case.routed"])
            #expect(published.first?.data.requiresWorkOrder == true)
            #expect(published.first?.id == "\(data.caseID).routed")
        }
    }

    @Test("six owners' reports split over two concurrent transactions open exactly one group incident", arguments: 0..<3)
    func oneGroupIncident(round: Int) async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            let handler = handler(book)
            let project = "SZ-GI-\(round)"
            let base = Date().addingTimeInterval(-3600)
            let cases = (0..<6).map { index in
                RoutingFixtures.registered(
                    title: "卫生间漏水", description: "楼上渗水到我家天花板", kind: .complaint, categoryHint: "engineering.leakage",
                    project: project, owner: "OWN-\(index)", at: base.addingTimeInterval(Double(index) * 60))
            }
            // Interleaved halves on two connections at once, as two replicas would route them.
            async let first = RoutingDatabase.apply(handler, try [0, 2, 4].map { try RoutingDatabase.registered(cases[$0]) }, database: database)
            async let second = RoutingDatabase.apply(handler, try [1, 3, 5].map { try RoutingDatabase.registered(cases[$0]) }, database: database)
            _ = try await (first, second)

            #expect(try await RoutingDatabase.int("SELECT count(*) FROM group_incidents", database) == 1)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE status = 'merged' AND severity = 'group_incident'", database) == 6)
            #expect(try await RoutingDatabase.int("SELECT count(DISTINCT group_incident_id) FROM cases", database) == 1)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 0, "merged cases stop their clocks")
            let events = try await RoutingDatabase.outbox(database)
            let merged = events.filter { $0.type == "careloop.case.merged" }
            #expect(Set(merged.map(\.data.caseID)) == Set(cases.map(\.caseID)))
            #expect(Set(merged.compactMap(\.data.groupIncidentID)).count == 1)
            #expect(merged.allSatisfy { $0.data.severity == .groupIncident && $0.data.status == .merged })
            let escalated = events.filter { $0.type == "careloop.case.escalated" }
            #expect(escalated.count == 6 && escalated.allSatisfy { $0.data.escalationLevel == 4 })
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM case_escalations WHERE trigger = 'group_incident' AND role = 'group'", database) == 6)
            // Per case: routed, then merged, then escalated.
            for data in cases {
                let types = events.filter { $0.data.caseID == data.caseID }.map(\.type)
                #expect(types == ["careloop.case.routed", "careloop.case.merged", "careloop.case.escalated"], "\(data.caseID): \(types)")
            }

            // A later matching report joins the same incident; one from another project does not.
            let late = RoutingFixtures.registered(
                title: "卫生间漏水", description: "漏水", kind: .complaint, categoryHint: "engineering.leakage", project: project,
                owner: "OWN-late", at: Date())
            let elsewhere = RoutingFixtures.registered(
                title: "卫生间漏水", description: "漏水", kind: .complaint, categoryHint: "engineering.leakage", project: "OTHER",
                owner: "OWN-x", at: Date())
            _ = try await RoutingDatabase.apply(handler, [try RoutingDatabase.registered(late), try RoutingDatabase.registered(elsewhere)], database: database)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM group_incidents", database) == 1)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE status = 'merged'", database) == 7)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE project = 'OTHER' AND status = 'routed'", database) == 1)
        }
    }

    @Test("one batch opens the incidents of several projects together, merging earlier cases once; a later burst opens a second")
    func severalGroupIncidentsInOneBatch() async throws {
        try await RoutingDatabase.with { database in
            let handler = handler(try RoutingDatabase.ruleBook())
            let base = Date().addingTimeInterval(-3600)
            func report(_ project: String, _ owner: String, hoursBefore: Double) -> CaseEventData {
                RoutingFixtures.registered(
                    title: "卫生间漏水", description: "楼上渗水到我家天花板", kind: .complaint, categoryHint: "engineering.leakage",
                    project: project, owner: owner, at: base.addingTimeInterval(-hoursBefore * 3600))
            }
            // Earlier batch: three owners in A, B and C, two in D (five make an incident by default).
            let earlier = ["GI-A", "GI-B", "GI-C"].flatMap { project in (0..<3).map { report(project, "\(project)-\($0)", hoursBefore: 2) } }
                + (0..<2).map { report("GI-D", "GI-D-\($0)", hoursBefore: 2) }
            _ = try await RoutingDatabase.apply(handler, try earlier.map { try RoutingDatabase.registered($0) }, database: database)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM group_incidents", database) == 0)

            // One batch: two more owners in A, B, C and D, and in E two bursts of five owners 100 h apart.
            let later = ["GI-A", "GI-B", "GI-C", "GI-D"].flatMap { project in (3..<5).map { report(project, "\(project)-\($0)", hoursBefore: 1) } }
                + (0..<5).map { report("GI-E", "GI-E-old-\($0)", hoursBefore: 100) } + (0..<5).map { report("GI-E", "GI-E-new-\($0)", hoursBefore: 1) }
            _ = try await RoutingDatabase.apply(handler, try later.map { try RoutingDatabase.registered($0) }, database: database)

            #expect(try await RoutingDatabase.int("SELECT count(*) FROM group_incidents", database) == 5)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM group_incidents WHERE project = 'GI-E'", database) == 2)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM group_incidents WHERE accepting_members", database) == 4)
            for project in ["GI-A", "GI-B", "GI-C"] {
                #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE project = '\(project)' AND status = 'merged'", database) == 5)
            }
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE project = 'GI-D' AND status = 'routed'", database) == 4)
            #expect(
                try await RoutingDatabase.int(
                    "SELECT count(*) FROM (SELECT group_incident_id FROM cases WHERE project = 'GI-E' GROUP BY 1 HAVING count(*) = 5) AS g",
                    database) == 2)
            let merged = try await RoutingDatabase.outbox(database).filter { $0.type == "careloop.case.merged" }
            #expect(merged.count == 25)
            #expect(Set(merged.map(\.data.caseID)).count == 25, "no case is merged twice")
            #expect(Set(merged.compactMap(\.data.groupIncidentID)).count == 5)
        }
    }

    @Test("two timer workers claiming the same due timers concurrently fire each exactly once")
    func twoWorkersNeverDoubleFire() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            let handler = handler(book)
            let cases = 120
            // Registered 100 h ago on the 24/7 calendar: all six timers of the 113 cases are overdue.
            let past = Date().addingTimeInterval(-100 * 3600)
            let events = try (0..<cases).map { index in
                try RoutingDatabase.registered(
                    RoutingFixtures.registered(
                        title: "Corridor light broken", description: "dark", kind: .complaint, categoryHint: "property.facilities",
                        project: "P-\(index)", owner: "OWN-\(index)", at: past))
            }
            _ = try await RoutingDatabase.apply(handler, events, database: database)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == cases * 6)

            let configuration = SLATimerWorker.Configuration(batchSize: 25, pollInterval: .milliseconds(10))
            let workers = (0..<2).map { _ in
                SLATimerWorker(database: database, ruleBook: book, eventSource: RoutingDatabase.source, configuration: configuration, logger: logger)
            }
            let now = Date()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in workers {
                    group.addTask {
                        var fired = 0
                        while true {
                            let outcome = try await worker.fireDue(at: now)
                            fired += outcome.fired
                            if outcome.timers == 0 { return fired }
                        }
                    }
                }
                var total = 0
                for try await fired in group { total += fired }
                #expect(total == cases * 6)
            }
            let outbox = try await RoutingDatabase.outbox(database)
            let sla = outbox.filter { $0.type == "careloop.case.sla_warning" || $0.type == "careloop.case.sla_breached" }
            #expect(sla.count == cases * 6)
            #expect(Set(sla.map { "\($0.data.caseID)/\($0.type)/\($0.data.deadline ?? "-")" }).count == cases * 6, "each timer once")
            #expect(outbox.filter { $0.type == "careloop.case.escalated" }.count == cases * 3, "one level per breach")
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 0)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NOT NULL", database) == cases * 6)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE escalation_level = 3", database) == cases)
            // Per case the events are in order: warnings and breaches by due time.
            let first = try #require(outbox.first { $0.type == "careloop.case.sla_warning" }?.data.caseID)
            #expect(
                outbox.filter { $0.data.caseID == first && $0.type != "careloop.case.escalated" }.map(\.data.deadline)
                    == [nil, "acknowledge", "acknowledge", "respond", "respond", "resolve", "resolve"])
        }
    }

    @Test("concurrent claims take disjoint cases, the second the next due ones; a claim ends with its transaction")
    func concurrentClaimsAreDisjoint() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            // 30 cases registered 0.7 s apart 100 h ago: every timer is overdue; the earliest are the acknowledge
            // warnings, case by case in registration order (no two timers due at once).
            let start = Date().addingTimeInterval(-100 * 3600)
            let events = try (0..<30).map { index in
                try RoutingDatabase.registered(
                    RoutingFixtures.registered(
                        title: "Corridor light broken", description: "dark", kind: .complaint, categoryHint: "property.facilities",
                        project: "P-\(index)", owner: "OWN-\(index)", at: start.addingTimeInterval(Double(index) * 60)))
            }
            _ = try await RoutingDatabase.apply(handler(book), events, database: database)
            let lockClass = SLATimerStore.lockClass(schema: database.schema)
            let now = Date()
            // The cases of the 20 earliest timers, each once, in due order.
            let earliest = try await database.withConnection { connection in
                try await connection.query(
                    "SELECT case_id FROM sla_timer_states WHERE fired_at IS NULL ORDER BY due_at, case_id LIMIT 20", logger: logger
                ).decode(UUID.self).reduce(into: [UUID]()) { if !$0.contains($1) { $0.append($1) } }
            }
            let (first, second) = try await database.withTransaction { connection in
                let first = try await SLATimerStore.claimDue(at: now, limit: 5, lockClass: lockClass, connection: connection, logger: logger)
                // Another replica's claim, in its own transaction while this one holds its claim.
                let second = try await database.withTransaction { other in
                    try await SLATimerStore.claimDue(at: now, limit: 5, lockClass: lockClass, connection: other, logger: logger)
                }
                return (first, second)
            }
            #expect(first.timers == 5)
            #expect(second.timers > 0, "the second claim found due timers of other cases")
            #expect(Set(first.cases).isDisjoint(with: second.cases), "no case claimed twice")
            #expect(first.cases == Array(earliest.prefix(first.cases.count)), "the earliest due cases, in order")
            let rest = earliest.filter { !first.cases.contains($0) }
            #expect(second.cases == Array(rest.prefix(second.cases.count)), "the next due cases, in order")
            // Both transactions ended: the same timers can be claimed again.
            let again = try await database.withTransaction { connection in
                try await SLATimerStore.claimDue(at: now, limit: 5, lockClass: lockClass, connection: connection, logger: logger)
            }
            #expect(again.cases == first.cases)
        }
    }

    @Test("a case another transaction holds is skipped, not waited for, and its timers fire in a later batch")
    func heldCaseIsSkipped() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            let data = RoutingFixtures.registered(
                title: "Corridor light broken", description: "dark", kind: .complaint, categoryHint: "property.facilities",
                at: Date().addingTimeInterval(-2 * 3600))
            _ = try await RoutingDatabase.apply(handler(book), [try RoutingDatabase.registered(data)], database: database)
            let worker = SLATimerWorker(
                database: database, ruleBook: book, eventSource: RoutingDatabase.source,
                configuration: SLATimerWorker.Configuration(batchSize: 10, pollInterval: .milliseconds(10)), logger: logger)
            let caseID = try #require(UUID(uuidString: data.caseID))
            let now = Date()
            try await database.withTransaction { connection in
                _ = try await CaseStore.lock([caseID], connection: connection, logger: logger)  // a staff request, say
                let blocked = try await worker.fireDue(at: now)
                #expect(blocked.timers == 2 && blocked.fired == 0, "claimed the acknowledge timers but did not fire them")
            }
            let free = try await worker.fireDue(at: now)
            #expect(free.fired == 2)
            #expect(try await worker.fireDue(at: now).timers == 0)
            let types = try await RoutingDatabase.outbox(database).map(\.type)
            #expect(types == ["careloop.case.routed", "careloop.case.sla_warning", "careloop.case.sla_breached", "careloop.case.escalated"])
        }
    }

    @Test("waiting on the owner deletes the unfired timers; resuming re-creates them later by the pause")
    func pauseTimers() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            let data = RoutingFixtures.registered(
                title: "Corridor light broken", description: "dark", kind: .complaint, categoryHint: "property.facilities", at: Date())
            _ = try await RoutingDatabase.apply(handler(book), [try RoutingDatabase.registered(data)], database: database)
            let rules = await book.rules
            let caseID = try #require(UUID(uuidString: data.caseID))
            func act(_ action: StaffAction, at instant: Date) async throws {
                try await database.withTransaction { connection in
                    var record = try #require(try await CaseStore.lock([caseID], connection: connection, logger: logger).first)
                    try record.perform(action, by: "staff-1", at: instant, rules: rules.context(for: record), routing: rules)
                    try await CaseStore.save([record], now: instant, eventSource: RoutingDatabase.source, connection: connection, logger: logger)
                }
            }
            let start = data.occurredAt.date
            try await act(.acknowledge, at: start.addingTimeInterval(60))
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 4)
            try await act(.waitOnOwner(reason: "owner travelling"), at: start.addingTimeInterval(120))
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timers", database) == 0)
            try await act(.resume, at: start.addingTimeInterval(7320))
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 4)
            let shift = try await RoutingDatabase.int(
                """
                SELECT round(extract(epoch FROM due_at - '\(Timestamp(start).rfc3339)'::timestamptz))::int FROM sla_timers
                WHERE deadline = 'respond' AND kind = 'breach'
                """, database)
            #expect(shift == 24 * 3600 + 7200, "respond breach moved later by the 2 h pause")
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM case_timeline", database) == 4)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM case_timeline WHERE actor = 'staff-1'", database) == 3)
        }
    }

    @Test("work orders and call-backs move the case; unknown cases are rejected; other surveys are skipped")
    func followUps() async throws {
        try await RoutingDatabase.with { database in
            let book = try RoutingDatabase.ruleBook()
            let data = RoutingFixtures.registered(kind: .repair, at: Date())
            _ = try await RoutingDatabase.apply(handler(book), [try RoutingDatabase.registered(data)], database: database)
            let followUp = CaseFollowUpHandler(ruleBook: book, eventSource: RoutingDatabase.source)
            func workOrder(_ status: WorkOrderStatus, caseID: String = data.caseID) throws -> ConsumedRecord {
                try RoutingDatabase.record(
                    WorkOrderEventData(
                        workOrderID: "WO-1", caseID: caseID, status: status, skill: "plumbing", technicianID: "TECH-1",
                        property: data.property, occurredAt: Timestamp(Date())),
                    type: EventType(rawValue: "careloop.workorder.\(status.rawValue)"), topic: .workOrders, subject: "WO-1")
            }
            func survey(kind: SurveyKind, score: Int) throws -> ConsumedRecord {
                try RoutingDatabase.record(
                    SurveyEventData(
                        surveyID: "SV-\(score)", caseID: data.caseID, ownerID: "OWN-1", project: "SZ-FSG", city: "shenzhen",
                        surveyKind: kind, status: .responded, score: score, occurredAt: Timestamp(Date())),
                    type: .surveyResponded, topic: .surveys, subject: "SV-\(score)")
            }
            let unknown = UUID().uuidString.lowercased()
            let rejections = try await RoutingDatabase.apply(
                followUp, [try workOrder(.assigned), try workOrder(.contacted), try workOrder(.completed), try workOrder(.assigned, caseID: unknown)],
                database: database)
            #expect(rejections.map(\.index) == [3])
            #expect(rejections.first?.errorClass == "handler_rejected")
            // Types routing does not act on (invitations) are skipped, not dead-lettered.
            let invited = try RoutingDatabase.record(
                SurveyEventData(
                    surveyID: "SV-0", caseID: data.caseID, ownerID: "OWN-1", project: "SZ-FSG", city: "shenzhen", surveyKind: .callback,
                    status: .invited, occurredAt: Timestamp(Date())),
                type: .surveyInvited, topic: .surveys, subject: "SV-0")
            #expect(try await RoutingDatabase.apply(followUp, [invited], database: database).isEmpty)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE status = 'resolved' AND assignee = 'TECH-1'", database) == 1)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM sla_timer_states WHERE fired_at IS NULL", database) == 0)

            #expect(try await RoutingDatabase.apply(followUp, [try survey(kind: .lifecycle3m, score: 5)], database: database).isEmpty)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE status = 'resolved'", database) == 1, "not a call-back")
            #expect(try await RoutingDatabase.apply(followUp, [try survey(kind: .callback, score: 5)], database: database).isEmpty)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE status = 'closed'", database) == 1)
            let types = try await RoutingDatabase.outbox(database).map(\.type)
            #expect(types == ["careloop.case.routed", "careloop.case.assigned", "careloop.case.resolved", "careloop.case.closed"])
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM case_timeline WHERE action = 'work_order_contacted'", database) == 1)
        }
    }
}
