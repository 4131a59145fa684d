import CareLoopContracts
import CareLoopKafka
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import IntakeService

@Suite("Registration on PostgreSQL: set-based, idempotent, references per city and year, owners sealed", .timeLimit(.minutes(2)))
struct RegistrationTests {
    @Test("a batch of submissions for several cities becomes one case each, with unique references per city and year")
    func batchOfSubmissions() async throws {
        try await IntakeTestBed.with { bed in
            let properties = [("shenzhen", "SZ-FSG"), ("wuhan", "WH-LKC"), ("beijing", "BJ-01"), ("shanghai", "SH-XJH")]
            let submissions = (0..<200).map { index in
                let (city, project) = properties[index % properties.count]
                return (source: "crm://acme/hotline", id: "e-\(index)", json: submissionJSON(city: city, project: project, owner: "OWN-\(index % 50)"))
            }
            let outcomes = try await bed.registerOnTopic(submissions)
            let created = outcomes.compactMap { outcome -> RegisteredCase? in
                if case .created(let cases) = outcome, cases.count == 1 { return cases[0] } else { return nil }
            }
            #expect(created.count == 200)
            let references = created.map(\.reference)
            #expect(Set(references).count == 200, "references are unique")
            #expect(Set(created.map(\.caseID)).count == 200)
            let year = CaseReference.year(of: Date(), in: TimeZone(identifier: "Asia/Shanghai")!)
            for prefix in ["SZ", "WH", "BJ", "SH"] {
                let numbers = references.filter { $0.hasPrefix("\(prefix)-\(year)-") }.compactMap { Int($0.split(separator: "-")[2]) }
                #expect(numbers.sorted() == Array(1...50), "\(prefix): one counter per city and year, from 1")
            }
            #expect(try await bed.count("SELECT count(*) FROM cases") == 200)
            #expect(try await bed.count("SELECT count(*) FROM outbox") == 200, "one case.registered per case")
            #expect(try await bed.count("SELECT count(*) FROM case_timeline WHERE entry = 'registered'") == 200)
            #expect(try await bed.count("SELECT count(*) FROM submissions") == 200)
            #expect(try await bed.count("SELECT count(*) FROM owners") == 50, "owners upserted once each")
            // The same batch again (a redelivery past the inbox): nothing new.
            let again = try await bed.registerOnTopic(submissions)
            #expect(again.allSatisfy { $0 == .skipped })
            #expect(try await bed.count("SELECT count(*) FROM cases") == 200)
            #expect(try await bed.count("SELECT count(*) FROM outbox") == 200)
        }
    }

    @Test("a batch mixing new and registered submissions: events, first entries and owners only for the new ones, in case order")
    func mixedBatch() async throws {
        try await IntakeTestBed.with { bed in
            let old = (source: "crm://acme/hotline", id: "old", json: submissionJSON(owner: "OWN-1"))
            let oldBatch = (source: "crm://acme/inspection", id: "old-batch", json: defectBatchJSON(count: 2, owner: "OWN-2"))
            try await bed.registerOnTopic([old, oldBatch])
            let newOne = (source: "crm://acme/hotline", id: "new", json: submissionJSON(owner: "OWN-3"))
            let newBatch = (source: "crm://acme/inspection", id: "new-batch", json: defectBatchJSON(count: 3, batch: "B-2", owner: "OWN-4"))
            let outcomes = try await bed.registerOnTopic([old, newOne, oldBatch, newBatch])
            #expect(outcomes.map { if case .created(let cases) = $0 { cases.count } else { 0 } } == [0, 1, 0, 3])
            let created: [String?] = outcomes.flatMap { outcome -> [String?] in
                guard case .created(let cases) = outcome else { return [] }
                return cases.map { $0.caseID.uuidString.lowercased() }
            }
            // The events of this batch, in outbox order: one per new case, in case order, keyed and about that case.
            let events = try await bed.texts(
                """
                SELECT convert_from(key, 'UTF8'), convert_from(value, 'UTF8')::jsonb ->> 'case_id' FROM outbox
                ORDER BY id OFFSET 3
                """)
            #expect(events.map { $0[0] } == created)
            #expect(events.map { $0[1] } == created)
            #expect(try await bed.count("SELECT count(*) FROM outbox") == 7)
            #expect(try await bed.count("SELECT count(*) FROM case_timeline WHERE entry = 'registered'") == 7)
            #expect(try await bed.count("SELECT count(*) FROM case_timeline t WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = t.case_id)") == 0)
            #expect(try await bed.texts("SELECT owner_id FROM owners ORDER BY owner_id").map { $0[0] } == ["OWN-1", "OWN-2", "OWN-3", "OWN-4"])
        }
    }

    @Test("prepared statements: with PostgreSQL's generic plans, registration and timelines give the same answers")
    func genericPlans() async throws {
        try await IntakeTestBed.with { bed in
            try await bed.database.withConnection { connection in
                let logger = PostgresTestCluster.logger
                // What PostgreSQL switches to after five runs of a prepared statement, here from the first run.
                try await connection.query("SET plan_cache_mode = force_generic_plan", logger: logger)
                try await bed.registerOnTopic(
                    [(source: "s", id: "old", json: submissionJSON(owner: "OWN-1")),
                     (source: "s", id: "old-batch", json: defectBatchJSON(count: 2, owner: "OWN-2"))], connection: connection)
                let outcomes = try await bed.registerOnTopic(
                    [(source: "s", id: "old", json: submissionJSON(owner: "OWN-1")), (source: "s", id: "new", json: submissionJSON(owner: "OWN-3")),
                     (source: "s", id: "new-batch", json: defectBatchJSON(count: 3, batch: "B-2", owner: "OWN-1"))], connection: connection)
                #expect(outcomes.map { if case .created(let cases) = $0 { cases.count } else { 0 } } == [0, 1, 3])
                guard case .created(let cases)? = outcomes.last, let caseID = cases.first?.caseID else { return }
                let event = try TimelineTests.event(
                    .caseRouted, caseID: caseID.uuidString.lowercased(), status: .routed, at: Date().addingTimeInterval(1), id: "r-1")
                guard case .success(let data) = CaseEventData.parse(json: try CloudEvent(headers: event.headers, value: event.value).data) else {
                    Issue.record("the test event does not parse")
                    return
                }
                let entries = [
                    TimelineEntry(position: 0, type: .caseRouted, data: data, source: "careloop://routing", id: "r-1"),
                    TimelineEntry(position: 1, type: .caseRouted, data: data, source: "careloop://routing", id: "r-1"),
                ].compactMap { $0 }
                var unknown = entries[1]
                unknown.caseID = UUID()
                unknown.eventID = "r-2"
                unknown.position = 2
                let repository = TimelineRepository(connection: connection, logger: logger)
                #expect(try await repository.append([entries[0], entries[1], unknown]) == [2], "the unknown case's entry")
                #expect(try await repository.append(entries) == [])
            }
            #expect(try await bed.count("SELECT count(*) FROM outbox") == 7)
            #expect(try await bed.count("SELECT count(*) FROM case_timeline") == 8, "seven registered, one routed")
            #expect(try await bed.texts("SELECT status FROM cases WHERE status <> 'registered'") == [["routed"]])
            #expect(try await bed.texts("SELECT owner_id FROM owners ORDER BY owner_id").map { $0[0] } == ["OWN-1", "OWN-2", "OWN-3"])
        }
    }

    @Test("a key repeated inside one batch registers once")
    func repeatedInsideABatch() async throws {
        try await IntakeTestBed.with { bed in
            let one = (source: "crm://acme/hotline", id: "same", json: submissionJSON())
            let outcomes = try await bed.registerOnTopic([one, one, (source: "crm://other", id: "same", json: submissionJSON())])
            #expect(outcomes.map { if case .created = $0 { true } else { false } } == [true, false, true])
            #expect(try await bed.count("SELECT count(*) FROM cases") == 2, "the same ce_id from another source is another case")
        }
    }

    @Test("no owner name or phone in any column of any table, nor on the outbox; sealed values open again")
    func noPlaintextPersonalData() async throws {
        try await IntakeTestBed.with { bed in
            try await bed.registerOnTopic([
                (source: "crm://acme/hotline", id: "pii-1", json: submissionJSON(name: "Wang Fang", phone: "+8613712345678")),
                (source: "crm://acme/hotline", id: "pii-2", json: defectBatchJSON(count: 3)),
            ])
            let dump = try await bed.everyStoredValue()
            for secret in ["Wang Fang", "13712345678", "Zhang San", "13900139000"] {
                #expect(!dump.contains(secret), "\(secret) stored readable")
            }
            #expect(dump.contains("[name]") && dump.contains("[phone]"), "texts are stored redacted")
            let stored = try await bed.database.withConnection { connection in
                try await OwnerRepository(connection: connection, logger: PostgresTestCluster.logger)
                    .find(phoneLookup: bed.parts.settings.phoneLookup.hash("+86 137 1234 5678"))
            }
            let owner = try #require(stored.first)
            #expect(stored.count == 1 && owner.ownerID == "OWN-88231")
            #expect(try owner.name.map { try bed.parts.settings.cipher.open($0, context: "owner.name:OWN-88231") } == "Wang Fang")
            #expect(try owner.phone.map { try bed.parts.settings.cipher.open($0, context: "owner.phone:OWN-88231") } == "+8613712345678")
            #expect(owner.name?.keyID == "dev")
        }
    }

    @Test("a batch of 100 defects is 100 cases linked to one submission and inspection batch; idempotent as a whole")
    func defectBatch() async throws {
        try await IntakeTestBed.with { bed in
            let submission = (source: "tablet://acme/inspection", id: "insp-1", json: defectBatchJSON(count: 100))
            let outcomes = try await bed.registerOnTopic([submission])
            guard case .created(let cases)? = outcomes.first else {
                Issue.record("not created: \(outcomes)")
                return
            }
            #expect(cases.count == 100)
            #expect(try await bed.count("SELECT count(*) FROM cases WHERE external_id = 'insp-1'") == 100)
            #expect(
                try await bed.count(
                    "SELECT count(DISTINCT submission_item) FROM cases WHERE inspection_batch = 'DELIVERY-2026-11-SZ-FSG-B12'") == 100)
            #expect(try await bed.count("SELECT items FROM submissions WHERE external_id = 'insp-1'") == 100)
            #expect(try await bed.count("SELECT count(*) FROM case_timeline WHERE actor = 'INSPECTOR-7'") == 100, "taker recorded")
            #expect(try await bed.texts("SELECT lifecycle_stage FROM owners WHERE owner_id = 'OWN-5001'") == [["running_in"]])
            let again = try await bed.registerOnTopic([submission])
            #expect(again == [.skipped])
            #expect(try await bed.count("SELECT count(*) FROM cases") == 100)
        }
    }

    @Test("concurrent registrations draw distinct references without waiting on each other")
    func concurrentReferences() async throws {
        try await IntakeTestBed.with { bed in
            let references = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var references: [String] = []
                        for index in 0..<10 {
                            let outcomes = try await bed.registerOnTopic(
                                (0..<5).map { (source: "crm://w\(worker)", id: "\(index)-\($0)", json: submissionJSON()) })
                            for case .created(let cases) in outcomes { references += cases.map(\.reference) }
                        }
                        return references
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(references.count == 200)
            #expect(Set(references).count == 200)
        }
    }

    @Test("owners: later submissions update language, move-in date and stage; absent values keep what is stored")
    func ownerUpserts() async throws {
        try await IntakeTestBed.with { bed in
            let first = submissionJSON(owner: "OWN-9").replacingOccurrences(of: #""language":"zh-CN""#, with: #""language":"en","move_in_date":"2020-01-01""#)
            try await bed.registerOnTopic([(source: "s", id: "1", json: first)])
            #expect(try await bed.texts("SELECT language, move_in_date::text, lifecycle_stage FROM owners") == [["en", "2020-01-01", "senior"]])
            let second = """
                {"kind":"inquiry","channel":"app","submitted_at":"\(Timestamp(Date()).rfc3339)","owner":{"id":"OWN-9"},
                 "property":{"city":"shenzhen","project":"SZ-FSG"},"description":"When is the water cut?"}
                """
            try await bed.registerOnTopic([(source: "s", id: "2", json: second)])
            #expect(try await bed.texts("SELECT language, move_in_date::text, lifecycle_stage FROM owners") == [["en", "2020-01-01", "senior"]])
            #expect(try await bed.count("SELECT count(*) FROM owners WHERE name_sealed IS NOT NULL AND phone_lookup IS NOT NULL") == 1)
        }
    }
}

@Suite("HTTP registration batching", .timeLimit(.minutes(2)))
struct RegistrationBatcherTests {
    @Test("concurrent submissions share transactions; each gets its own outcome, repeats inside one batch included")
    func concurrent() async throws {
        try await IntakeTestBed.with { bed in
            let registry = try await bed.parts.registry.current()
            let bodies = (0..<20).map { submissionJSON(owner: "OWN-\($0)") }
            let outcomes = try await withThrowingTaskGroup(of: (Int, RegistrationOutcome).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let json = Array(bodies[index % 20].utf8)
                        let submission = try SubmissionIntake.check(json, registry: registry, now: Date(), maxFutureSkew: .seconds(300)).get()
                        let accepted = AcceptedSubmission(
                            source: "api-key:test", externalID: "k-\(index % 20)", submission: submission,
                            requestHash: try AcceptedSubmission.canonicalHash(of: submission), traceparent: nil, tracestate: nil)
                        return (index % 20, try await bed.parts.batcher.register(accepted))
                    }
                }
                return try await group.reduce(into: [(Int, RegistrationOutcome)]()) { $0.append($1) }
            }
            var created: [Int: RegisteredCase] = [:]
            var repeated: [Int: RegisteredCase] = [:]
            for (key, outcome) in outcomes {
                switch outcome {
                case .created(let cases): created[key] = cases.first
                case .repeated(let cases, sameRequest: true): repeated[key] = cases.first
                default: Issue.record("unexpected \(outcome)")
                }
            }
            #expect(created.count == 20 && repeated.count == 20)
            #expect(created == repeated, "a repeat answers the original case")
            #expect(try await bed.count("SELECT count(*) FROM cases") == 20)
        }
    }
}

@Suite("Reference numbers in blocks", .timeLimit(.minutes(2)))
struct ReferenceNumbersTests {
    @Test("two replicas drawing blocks of one prefix and year never hand out the same number; a new prefix or year starts at 1")
    func uniqueAcrossReplicas() async throws {
        try await IntakeTestBed.with { bed in
            let first = ReferenceNumbers(database: bed.database)
            let second = ReferenceNumbers(database: bed.database)
            let shenzhen = ReferenceNumbers.Key(prefix: "SZ", year: 2026)
            let nextYear = ReferenceNumbers.Key(prefix: "SZ", year: 2027)
            let wuhan = ReferenceNumbers.Key(prefix: "WH", year: 2026)
            var drawn: [(ReferenceNumbers.Key, Int64)] = []
            let logger = PostgresTestCluster.logger
            func take(_ numbers: ReferenceNumbers, _ keys: [ReferenceNumbers.Key]) async throws {
                let taken = try await bed.database.withConnection { try await numbers.take(keys, connection: $0, logger: logger) }
                drawn += zip(keys, taken).map { ($0, $1) }
            }
            try await take(first, [shenzhen])
            try await take(second, Array(repeating: shenzhen, count: 150))
            try await take(first, Array(repeating: shenzhen, count: 120))
            try await take(second, [shenzhen, nextYear, shenzhen])
            // A block drawn in a registration that rolls back stays used up (nextval is not undone): its numbers are
            // never handed out again, whoever draws next.
            try await first.prepare([wuhan], logger: logger)
            _ = try? await bed.database.withTransaction { connection -> Int in
                _ = try await ReferenceNumbers(database: bed.database).take([wuhan], connection: connection, logger: logger)
                throw CaseRepositoryError(message: "roll back")
            }
            try await take(first, [wuhan])
            let shenzhenNumbers = drawn.filter { $0.0 == shenzhen }.map(\.1)
            #expect(shenzhenNumbers.count == 273)
            #expect(Set(shenzhenNumbers).count == 273, "no number handed out twice")
            #expect(shenzhenNumbers.first == 1, "the first number of a prefix and year is 1")
            #expect(drawn.filter { $0.0 == nextYear }.map(\.1) == [1], "another year starts at 1")
            #expect(drawn.filter { $0.0 == wuhan }.map(\.1) == [101], "the block 1-100 of the rolled-back registration is not handed out again")
            #expect(
                ReferenceNumbers.keys(of: [PropertyRegistryTests.document.cities[0]], around: Date(timeIntervalSince1970: 1_798_732_800))
                    == [ReferenceNumbers.Key(prefix: "SZ", year: 2027), ReferenceNumbers.Key(prefix: "SZ", year: 2028)],
                "this year and the next, in the city's time zone (2027-01-01T00:00+08:00 is still 2026 in UTC)")
        }
    }
}
