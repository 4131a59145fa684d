import CareLoopContracts
import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO

@testable import RoutingService

/// Routing's schema in the test PostgreSQL, and events as the runtime hands them to handlers.
enum RoutingDatabase {
    static let logger = Logger(label: "careloop.routing.test")
    static let source = "careloop://routing"

    /// Runs `body` with a fresh, migrated routing schema.
    static func with<T: Sendable>(_ body: (Database) async throws -> T) async throws -> T {
        try await PostgresTestCluster.withDatabase(
            prefix: "routing", migrations: [.platform, MigrationSet(component: "routing", migrations: RoutingMigrations.all)], body)
    }

    /// A record carrying an event of `type` with `payload`, as consumed from `topic` (a fresh `ce_id` each call).
    static func record(_ payload: some Encodable, type: EventType, topic: Topic, subject: String, offset: Int64 = 0) throws -> ConsumedRecord {
        let event = try CloudEvent.json(source: "careloop://test", type: type, time: Timestamp(Date()), subject: subject, payload: payload)
        return ConsumedRecord(
            topic: topic.rawValue, partition: 0, offset: offset, key: Array(subject.utf8), value: event.data, headers: event.kafkaHeaders())
    }

    /// A `careloop.case.registered` record.
    static func registered(_ data: CaseEventData) throws -> ConsumedRecord {
        try record(data, type: .caseRegistered, topic: .cases, subject: data.caseID)
    }

    /// Hands `records` to `handler` through the runtime's batch handler (envelope checks, inbox, one transaction)
    /// and returns the rejected ones' error classes by position.
    static func apply(_ handler: some CloudEventHandler, _ records: [ConsumedRecord], database: Database) async throws -> [(index: Int, errorClass: String)] {
        let batch = CloudEventBatchHandler(database: database, handler: handler, service: "routing", logger: logger)
        let rejected = try await batch.handle(records)
        return rejected.compactMap { rejection in
            records.firstIndex(of: rejection.record).map { ($0, rejection.errorClass) }
        }
    }

    /// The `(ce_type, data)` of every record in the outbox, in order.
    static func outbox(_ database: Database) async throws -> [(type: String, data: CaseEventData, id: String)] {
        try await database.withConnection { connection in
            let rows = try await connection.query("SELECT value, headers::text FROM outbox ORDER BY id", logger: logger)
            var result: [(String, CaseEventData, String)] = []
            for try await (value, headers) in rows.decode((ByteBuffer, String).self) {
                let object = try JSONSerialization.jsonObject(with: Data(headers.utf8))
                let pairs = (object as? [[String: Any]] ?? []).compactMap { entry -> (String, String)? in
                    guard let key = entry["key"] as? String else { return nil }
                    return (key, entry["value"] as? String ?? "")
                }
                let header = Dictionary(pairs, uniquingKeysWith: { $1 })
                let data = try CareLoopJSON.decode(CaseEventData.self, from: Array(value.readableBytesView))
                result.append((header["ce_type"] ?? "?", data, header["ce_id"] ?? "?"))
            }
            return result
        }
    }

    /// The first column of `sql`'s rows as integers.
    static func int(_ sql: String, _ database: Database) async throws -> Int {
        try await database.withConnection { connection in
            try await connection.queryValue(PostgresQuery(unsafeSQL: sql), as: Int.self, logger: logger) ?? -1
        }
    }

    /// A rule book over the shipped rules with a 24/7 calendar.
    static func ruleBook(_ configure: (inout RoutingRules) -> Void = { _ in }) throws -> RuleBook {
        var rules = try RoutingFixtures.rules()
        configure(&rules)
        return RuleBook(rules)
    }
}
