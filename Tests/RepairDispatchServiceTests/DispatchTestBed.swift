import CareLoopContracts
import CareLoopHTTP
import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Synchronization

@testable import RepairDispatchService

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Repair dispatch's parts on a fresh, migrated schema of the test PostgreSQL with a hand-moved clock, a roster and
/// a project registry: for tests of opening, timers, commands and the HTTP API without Kafka.
struct DispatchTestBed: Sendable {
    let database: Database
    let parts: RepairDispatchParts
    let keys: APIKeyStore
    let clock: TestClock

    static let migrations: [MigrationSet] = [
        .platform, APIKeyStore.migrations, MigrationSet(component: "repair-dispatch", migrations: RepairDispatchMigrations.all),
    ]

    /// 2026-11-23 10:00 in Shanghai: a Monday.
    static let start = Date(timeIntervalSince1970: 1_795_399_200)

    /// A plumber and an electrician for all of SZ-FSG, and a waterproofing crew that must accept.
    static let roster = [
        TechnicianProfile(id: "TECH-P1", name: "Plumber One", skills: [.plumbing], zones: [.init(project: "SZ-FSG")], dailyCapacity: 4),
        TechnicianProfile(id: "TECH-E1", name: "Electrician One", skills: [.electrical], zones: [.init(project: "SZ-FSG")], dailyCapacity: 4),
        TechnicianProfile(
            id: "CREW-W1", name: "Waterproofing crew", kind: .vendorCrew, vendorID: "VEND-WP", skills: [.waterproofing],
            zones: [.init(project: "SZ-FSG")], dailyCapacity: 4),
    ]

    /// SZ-FSG delivered 2025-06-30 (building 12 on 2025-09-30).
    static let registry = [
        ProjectDelivery(
            project: "SZ-FSG", city: "shenzhen", deliveredOn: LocalDate(year: 2025, month: 6, day: 30),
            buildings: ["12": LocalDate(year: 2025, month: 9, day: 30)!], warrantyPromises: [.waterproofing: .years(8)])
    ]

    /// The service's logger in tests: quiet (breaches and escalations log on purpose) unless `CARELOOP_TEST_LOG_LEVEL`.
    static var logger: Logger {
        var logger = Logger(label: "careloop.test.repair-dispatch")
        logger.logLevel = ProcessInfo.processInfo.environment["CARELOOP_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }

    /// Runs `body` with a test bed; `settings` are `repairDispatch.*` keys as in the configuration file.
    static func with<T: Sendable>(
        settings: [String: String] = [:], roster: [TechnicianProfile] = roster, registry: [ProjectDelivery] = registry,
        _ body: (DispatchTestBed) async throws -> T
    ) async throws -> T {
        try await PostgresTestCluster.withDatabase(prefix: "dispatch", migrations: migrations) { database in
            let clock = TestClock(start)
            let parts = RepairDispatchParts(
                settings: try RepairDispatchSettings(settings: SettingsLoader.inMemory(settings)), database: database,
                eventSource: "careloop://repair-dispatch", logger: logger, now: { clock.now })
            try await database.withTransaction { connection in
                _ = try await RosterRepository(connection: connection, logger: PostgresTestCluster.logger).seed(roster)
                _ = try await ProjectRepository(connection: connection, logger: PostgresTestCluster.logger).seed(registry)
            }
            try await parts.rosterSync.refresh()
            return try await body(
                DispatchTestBed(database: database, parts: parts, keys: APIKeyStore(database: database, cacheTTL: .zero), clock: clock))
        }
    }

    /// The public API as the service serves it.
    func application() -> some ApplicationProtocol {
        Application(
            router: RepairDispatchAPI(parts: parts).add(
                to: PublicAPI.makeRouter(keys: keys, settings: APISettings(rateLimitPerSecond: 10_000), service: "repair-dispatch")))
    }

    /// A key for technician `id` (its subject), with `scopes`.
    func key(for id: String, scopes: Set<APIScope> = [.technician]) async throws -> String {
        try await keys.create(name: "key-\(id)", scopes: scopes, subject: id).key
    }

    /// Hands `cases` to the topic handler as one consumer batch (envelope, inbox and all), as `careloop.case.routed`
    /// unless `type` says otherwise; returns the rejections. The `ce_id` is `<case id>.<action><idSuffix>`: another
    /// suffix makes the same data a new event (a republished one) that the inbox does not recognise.
    @discardableResult
    func deliver(_ cases: [CaseEventData], type: EventType = .caseRouted, offset: Int64 = 0, idSuffix: String = "") async throws
        -> [RecordRejection]
    {
        try await handle(cases.enumerated().map { index, data in try record(data, type: type, offset: offset + Int64(index), idSuffix: idSuffix) })
    }

    /// `data` as a `careloop.cases.v1` record of `type` at `offset` (see ``deliver(_:type:offset:idSuffix:)``).
    func record(_ data: CaseEventData, type: EventType, offset: Int64, idSuffix: String = "") throws -> ConsumedRecord {
        let event = try CloudEvent.json(
            id: "\(data.caseID).\(type.action)\(idSuffix)", source: "careloop://routing", type: type, time: data.occurredAt,
            subject: data.caseID, payload: data)
        return ConsumedRecord(
            topic: Topic.cases.rawValue, partition: 0, offset: offset, key: Array(data.caseID.utf8), value: event.data,
            headers: event.kafkaHeaders())
    }

    /// Hands `records` to the topic handler as one consumer batch; returns the rejections.
    @discardableResult
    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        let handler = CloudEventBatchHandler(
            database: database, handler: parts.caseHandler, service: "repair-dispatch", logger: PostgresTestCluster.logger)
        return try await handler.handle(records)
    }

    /// Fires the timers due now (as the worker does).
    @discardableResult
    func fireTimers() async throws -> Int {
        try await parts.timerWorker.fireDue()
    }

    /// The work order of `caseID` (with `live`, its order that is not cancelled; else its first).
    func order(ofCase caseID: String, live: Bool = false) async throws -> WorkOrder? {
        try await database.withConnection { connection in
            guard let id = try await connection.queryValue(
                """
                SELECT work_order_id::text FROM work_orders WHERE case_id = \(caseID) AND (NOT \(live) OR status <> 'cancelled')
                ORDER BY created_at, work_order_id LIMIT 1
                """, as: String.self, logger: PostgresTestCluster.logger)
            else { return nil }
            return try await WorkOrderRepository(connection: connection, logger: PostgresTestCluster.logger).load(id)
        }
    }

    /// The work order `id`.
    func order(_ id: String) async throws -> WorkOrder? {
        try await database.withConnection { connection in
            try await WorkOrderRepository(connection: connection, logger: PostgresTestCluster.logger).load(id)
        }
    }

    /// Every event in the outbox, in order: (type, key, ce_id, data object).
    func events() async throws -> [OutboxEvent] {
        try await database.withConnection { connection in
            let rows = try await connection.query(
                "SELECT key, value, headers::text FROM outbox ORDER BY id", logger: PostgresTestCluster.logger)
            var events: [OutboxEvent] = []
            for try await (key, value, headers) in rows.decode((ByteBuffer?, ByteBuffer, String).self) {
                let pairs = try JSONSerialization.jsonObject(with: Data(headers.utf8)) as? [[String: Any]] ?? []
                func header(_ name: String) -> String? {
                    pairs.first { $0["key"] as? String == name }?["value"] as? String
                }
                let data = try JSONSerialization.jsonObject(with: Data(value.readableBytesView)) as? [String: Any] ?? [:]
                events.append(
                    OutboxEvent(
                        type: header("ce_type") ?? "", key: key.map { String(buffer: $0) } ?? "", id: header("ce_id") ?? "",
                        subject: header("ce_subject"), data: data, json: Array(value.readableBytesView)))
            }
            return events
        }
    }

    /// The first column of the first row of `sql` as an integer.
    func count(_ sql: String) async throws -> Int {
        try await database.withConnection { connection in
            try await connection.queryValue(PostgresQuery(unsafeSQL: sql), as: Int.self, logger: PostgresTestCluster.logger) ?? -1
        }
    }
}

/// An event as stored in the outbox.
struct OutboxEvent: @unchecked Sendable {
    var type: String
    var key: String
    var id: String
    var subject: String?
    var data: [String: Any]
    var json: [UInt8]

    var status: String? { data["status"] as? String }
    var workOrderID: String? { data["work_order_id"] as? String }
}

/// A routed case as routing emits it.
func routedCase(
    _ caseID: String = UUID().uuidString.lowercased(), kind: VoiceKind = .repair, category: String = "engineering.plumbing_hvac",
    hint: String? = "engineering.plumbing", building: String? = "12", unit: String? = "1203", batch: String? = nil,
    requiresWorkOrder: Bool? = nil, submittedAt: Date = DispatchTestBed.start.addingTimeInterval(-600), title: String = "Kitchen tap leaking"
) -> CaseEventData {
    let submitted = Timestamp(submittedAt)
    return CaseEventData(
        caseID: caseID, reference: "SZ-2026-\(caseID.prefix(6))", externalRef: ExternalReference(source: "crm://acme/hotline", id: "x-\(caseID)"),
        status: .routed, kind: kind, category: category, severity: .ordinary, department: .engineering,
        property: PropertyAddress(city: "shenzhen", project: "SZ-FSG", building: building, unit: unit),
        due: CaseDeadlines(acknowledgeBy: submitted, respondBy: submitted, resolveBy: submitted), occurredAt: submitted,
        ownerID: "OWN-88231", channel: batch == nil ? .hotline : .inspection, title: title, description: title, categoryHint: hint,
        inspectionBatch: batch, submittedAt: submitted, requiresWorkOrder: requiresWorkOrder)
}

/// A later event of a routed case as routing emits it: `status` at `at`, with the reason, actor and group incident.
func caseEvent(
    _ routed: CaseEventData, _ status: CaseStatus, at: Date, reason: String? = nil, actor: String? = nil, groupIncidentID: String? = nil
) -> CaseEventData {
    var data = routed
    data.previousStatus = routed.status
    data.status = status
    data.occurredAt = Timestamp(at)
    data.reason = reason
    data.actor = actor
    data.groupIncidentID = groupIncidentID
    if status == .merged { data.severity = .groupIncident }
    return data
}
