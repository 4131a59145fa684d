import CareLoopContracts
import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import IntakeService

@Suite("Timelines: case events consumed back are appended once, in order, for known cases only", .timeLimit(.minutes(2)))
struct TimelineTests {
    /// A case event of `type` for `caseID` as it arrives from `careloop.cases.v1`.
    static func event(
        _ type: EventType, caseID: String, status: CaseStatus, at occurredAt: Date, id: String, actor: String? = nil, reason: String? = nil,
        severity: Severity = .ordinary, offset: Int64 = 0
    ) throws -> ConsumedRecord {
        let data = CaseEventData(
            caseID: caseID, reference: "SZ-2026-000001", externalRef: ExternalReference(source: "crm://acme/hotline", id: "e-1"),
            status: status, kind: .repair, category: "engineering.plumbing", severity: severity, department: .engineering,
            property: PropertyAddress(city: "shenzhen", project: "SZ-FSG"),
            due: CaseDeadlines(
                acknowledgeBy: Timestamp(occurredAt.addingTimeInterval(3600)), respondBy: Timestamp(occurredAt.addingTimeInterval(86_400)),
                resolveBy: Timestamp(occurredAt.addingTimeInterval(3 * 86_400))),
            occurredAt: Timestamp(occurredAt), escalationLevel: type == .caseEscalated ? 1 : nil, reason: reason, actor: actor)
        let event = try CloudEvent.json(
            id: id, source: "careloop://routing", type: type, time: Timestamp(occurredAt), subject: caseID, traceparent: nil,
            tracestate: nil, payload: data)
        return ConsumedRecord(
            topic: Topic.cases.rawValue, partition: 0, offset: offset, key: Array(caseID.utf8), value: event.data,
            headers: event.kafkaHeaders())
    }

    /// The runtime's batch handler (envelope checks; no inbox or transaction: the handler is idempotent in one
    /// statement) over the timeline handler.
    static func consumer(_ bed: IntakeTestBed) -> CloudEventBatchHandler {
        CloudEventBatchHandler(database: bed.database, handler: CaseEventTimelineHandler(), service: "intake", logger: PostgresTestCluster.logger)
    }

    /// Registers one hotline submission (`crm://acme/hotline`, `e-1`) on the topic and returns its case.
    static func registerOne(_ bed: IntakeTestBed) async throws -> RegisteredCase {
        let outcome = try await bed.registerOnTopic([(source: "crm://acme/hotline", id: "e-1", json: submissionJSON())])
        let cases: [RegisteredCase]? = if case .created(let cases)? = outcome.first { cases } else { nil }
        return try #require(cases?.first, "not registered")
    }

    @Test("routed, escalated and resolved events extend the timeline and move the case; stale and repeated ones do not")
    func appendAndMove() async throws {
        try await IntakeTestBed.with { bed in
            let registered = try await Self.registerOne(bed)
            let caseID = registered.caseID.uuidString.lowercased()
            let start = Date()
            let consumer = Self.consumer(bed)
            let routed = try Self.event(.caseRouted, caseID: caseID, status: .routed, at: start.addingTimeInterval(1), id: "r-1", actor: "system")
            let escalated = try Self.event(
                .caseEscalated, caseID: caseID, status: .routed, at: start.addingTimeInterval(2), id: "x-1", reason: "no answer",
                severity: .major)
            let unknown = try Self.event(.caseRouted, caseID: UUID().uuidString.lowercased(), status: .routed, at: start, id: "r-2")
            let notAUUID = try Self.event(.caseRouted, caseID: "c-1", status: .routed, at: start, id: "r-3")
            let rejected = try await consumer.handle([routed, unknown, escalated, notAUUID])
            #expect(rejected.isEmpty, "unknown cases are skipped, not dead-lettered")
            let resolved = try Self.event(
                .caseResolved, caseID: caseID, status: .resolved, at: start.addingTimeInterval(5), id: "v-1", actor: "STAFF-1", severity: .major)
            // An older event arriving late, and the routed event again under the same id.
            let late = try Self.event(.caseSLAWarning, caseID: caseID, status: .routed, at: start.addingTimeInterval(3), id: "w-1")
            #expect(try await consumer.handle([resolved, late, routed]).isEmpty)
            // Replaying the routed record once more (same ce_id) adds nothing either.
            #expect(try await consumer.handle([routed]).isEmpty)
            let timeline = try await bed.database.withConnection { connection in
                try await CaseReadRepository(connection: connection, logger: PostgresTestCluster.logger).timeline(caseID: registered.caseID)
            }
            #expect(timeline.map(\.entry) == ["registered", "routed", "escalated", "sla_warning", "resolved"])
            #expect(timeline.first?.channel == "hotline" && timeline.first?.actor == "hotline", "first contact: the channel")
            #expect(timeline[2].reason == "no answer" && timeline[2].details?.escalationLevel == 1 && timeline[2].details?.severity == "major")
            #expect(timeline[4].actor == "STAFF-1")
            #expect(try await bed.texts("SELECT status, severity, department FROM cases") == [["resolved", "major", "engineering"]])
            #expect(try await bed.count("SELECT count(*) FROM case_timeline") == 5)
        }
    }

    @Test("a redelivered event changes nothing, even after a later event of the same instant; no inbox rows are written")
    func redeliveryAtTheSameInstant() async throws {
        try await IntakeTestBed.with { bed in
            let registered = try await Self.registerOne(bed)
            let caseID = registered.caseID.uuidString.lowercased()
            let consumer = Self.consumer(bed)
            let inboxBefore = try await bed.count("SELECT count(*) FROM inbox")
            // Routing emits `routed` and `escalated` of a major case at the same instant.
            let instant = Date().addingTimeInterval(1)
            let routed = try Self.event(.caseRouted, caseID: caseID, status: .routed, at: instant, id: "r-1", offset: 1)
            let escalated = try Self.event(
                .caseEscalated, caseID: caseID, status: .routed, at: instant, id: "x-1", severity: .major, offset: 2)
            #expect(try await consumer.handle([routed, escalated]).isEmpty)
            #expect(try await bed.texts("SELECT status, severity FROM cases") == [["routed", "major"]])

            // The consumer stopped before committing its offset: both come again, then the first alone.
            #expect(try await consumer.handle([routed, escalated]).isEmpty)
            #expect(try await consumer.handle([routed]).isEmpty)
            #expect(try await bed.texts("SELECT status, severity FROM cases") == [["routed", "major"]])
            #expect(try await bed.count("SELECT count(*) FROM case_timeline") == 3)
            #expect(try await bed.count("SELECT count(*) FROM inbox") == inboxBefore)
        }
    }

    @Test("details hold the event's facts (absent ones left out), instants are kept to the microsecond, case values follow")
    func detailsAndInstants() async throws {
        try await IntakeTestBed.with { bed in
            let registered = try await Self.registerOne(bed)
            let caseID = registered.caseID.uuidString.lowercased()
            let base = Int64(Date().timeIntervalSince1970) + 10
            // Six fraction digits and an offset: stored as the same instant (no rounding through floating point).
            let occurredAt = Timestamp(secondsSince1970: base, nanoseconds: 123_456_000, utcOffset: .minutes(480), fractionDigits: 6)
            let due = CaseDeadlines(
                acknowledgeBy: Timestamp(secondsSince1970: base + 3600, nanoseconds: 1_000, fractionDigits: 6),
                respondBy: Timestamp(secondsSince1970: base + 7200), resolveBy: Timestamp(secondsSince1970: base + 86_400, nanoseconds: 999_999_000, fractionDigits: 6))
            func record(_ type: EventType, id: String, at instant: Timestamp, _ change: (inout CaseEventData) -> Void) throws -> ConsumedRecord {
                var data = CaseEventData(
                    caseID: caseID, reference: registered.reference, externalRef: ExternalReference(source: "crm://acme/hotline", id: "e-1"),
                    status: .routed, kind: .repair, category: "engineering.plumbing", severity: .major, department: .engineering,
                    property: PropertyAddress(city: "shenzhen", project: "SZ-FSG"), due: due, occurredAt: instant)
                change(&data)
                let event = try CloudEvent.json(
                    id: id, source: "careloop://routing", type: type, time: instant, subject: caseID, traceparent: nil, tracestate: nil,
                    payload: data)
                return ConsumedRecord(
                    topic: Topic.cases.rawValue, partition: 0, offset: 0, key: Array(caseID.utf8), value: event.data,
                    headers: event.kafkaHeaders())
            }
            let warning = try record(.caseSLAWarning, id: "w-1", at: Timestamp(secondsSince1970: base - 5)) {
                $0.deadline = "acknowledge"
                $0.previousStatus = .registered
            }
            let merged = try record(.caseMerged, id: "m-1", at: occurredAt) {
                $0.groupIncidentID = "GI-1"
                $0.escalationLevel = 2
                $0.requiresWorkOrder = false
                $0.reason = "same leak"
                $0.actor = "system"
            }
            #expect(try await Self.consumer(bed).handle([merged, warning]).isEmpty)
            let details = try await bed.texts(
                "SELECT entry, details::text, actor, reason FROM case_timeline WHERE event_id IS NOT NULL ORDER BY entry_id")
            #expect(details == [
                ["merged", #"{"category": "engineering.plumbing", "severity": "major", "department": "engineering", "escalation_level": 2, "group_incident_id": "GI-1", "requires_work_order": false}"#, "system", "same leak"],
                ["sla_warning", #"{"category": "engineering.plumbing", "deadline": "acknowledge", "severity": "major", "department": "engineering", "previous_status": "registered"}"#, nil, nil],
            ])
            let instants = try await bed.texts(
                """
                SELECT (extract(epoch FROM occurred_at) * 1000000)::int8::text FROM case_timeline WHERE event_id = 'm-1'
                UNION ALL SELECT (extract(epoch FROM x) * 1000000)::int8::text
                FROM cases, unnest(ARRAY[status_at, acknowledge_by, respond_by, resolve_by]) AS x
                """)
            #expect(instants.map { $0[0] } == [
                "\(base)123456", "\(base)123456", "\(base + 3600)000001", "\(base + 7200)000000", "\(base + 86_400)999999",
            ])
            #expect(try await bed.texts("SELECT status FROM cases") == [["routed"]], "the later event's values (merged, routed)")
        }
    }

    @Test("invalid case data is rejected to the dead-letter topic; the timeline cannot be changed")
    func rejectsAndAppendOnly() async throws {
        try await IntakeTestBed.with { bed in
            try await bed.registerOnTopic([(source: "s", id: "1", json: submissionJSON())])
            var broken = try Self.event(.caseRouted, caseID: UUID().uuidString, status: .routed, at: Date(), id: "b-1")
            broken.value = Array(#"{"case_id":"x"}"#.utf8)
            let rejected = try await Self.consumer(bed).handle([broken])
            #expect(rejected.map(\.errorClass) == ["validation"])
            #expect(rejected.first?.message.contains("reference") == true, "names the failing field: \(rejected.first?.message ?? "")")
            await #expect(throws: (any Error).self) {
                try await bed.database.withConnection { connection in
                    try await connection.query("UPDATE case_timeline SET status = 'closed'", logger: PostgresTestCluster.logger)
                }
            }
            await #expect(throws: (any Error).self) {
                try await bed.database.withConnection { connection in
                    try await connection.query("DELETE FROM case_timeline", logger: PostgresTestCluster.logger)
                }
            }
            #expect(try await bed.count("SELECT count(*) FROM case_timeline") == 1)
        }
    }

    @Test("the handler takes every case event type but registered")
    func acceptedTypes() {
        let types = CaseEventTimelineHandler().acceptedTypes
        #expect(types.count == 9)
        #expect(!types.contains(.caseRegistered))
        #expect(types.isSuperset(of: [.caseRouted, .caseEscalated, .caseSLAWarning, .caseSLABreached, .caseAssigned, .caseResolved, .caseClosed, .caseReopened, .caseMerged]))
    }
}
