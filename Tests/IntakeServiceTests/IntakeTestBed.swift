import CareLoopContracts
import CareLoopHTTP
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Hummingbird
import Logging
import PostgresNIO

@testable import IntakeService

/// Intake's parts on a fresh, migrated schema of the test PostgreSQL, with the shipped seed loaded: for tests of
/// registration, timelines and the HTTP API without Kafka.
struct IntakeTestBed: Sendable {
    let database: Database
    let parts: IntakeParts
    let keys: APIKeyStore

    static let migrations: [MigrationSet] = [
        .platform, APIKeyStore.migrations, MigrationSet(component: "intake", migrations: IntakeMigrations.all),
    ]

    /// Runs `body` with a test bed whose settings are `settings` (keys as in the configuration file).
    static func with<T: Sendable>(
        settings: [String: String] = [:], now: @escaping @Sendable () -> Date = { Date() }, _ body: (IntakeTestBed) async throws -> T
    ) async throws -> T {
        try await PostgresTestCluster.withDatabase(prefix: "intake", migrations: migrations) { database in
            let parts = IntakeParts(
                settings: try IntakeSettings(settings: SettingsLoader.inMemory(settings)), database: database,
                eventSource: "careloop://intake", logger: PostgresTestCluster.logger, now: now)
            try await parts.registrySync.load()
            let bed = IntakeTestBed(database: database, parts: parts, keys: APIKeyStore(database: database, cacheTTL: .zero))
            return try await withRunning([parts.batcher]) { try await body(bed) }
        }
    }

    /// The public API as the service serves it, with `api` limits.
    func application(api: APISettings = APISettings(rateLimitPerSecond: 10_000)) -> some ApplicationProtocol {
        Application(router: parts.api.add(to: PublicAPI.makeRouter(keys: keys, settings: api, service: "intake")))
    }

    /// Registers `submissions` through the topic handler's registrar in one transaction, as one consumer batch.
    @discardableResult
    func registerOnTopic(_ submissions: [(source: String, id: String, json: String)], at instant: Date = Date()) async throws
        -> [RegistrationOutcome]
    {
        try await database.withTransaction { connection in
            try await registerOnTopic(submissions, at: instant, connection: connection)
        }
    }

    /// Registers `submissions` through the topic handler's registrar on `connection` (inside the caller's transaction,
    /// if any), as one consumer batch.
    @discardableResult
    func registerOnTopic(
        _ submissions: [(source: String, id: String, json: String)], at instant: Date = Date(), connection: PostgresConnection
    ) async throws -> [RegistrationOutcome] {
        let registry = try await parts.registry.current()
        let accepted = try submissions.map { submission in
            AcceptedSubmission(
                source: submission.source, externalID: submission.id,
                submission: try SubmissionIntake.check(Array(submission.json.utf8), registry: registry, now: instant, maxFutureSkew: .seconds(300))
                    .get(),
                requestHash: AcceptedSubmission.rawHash(of: Array(submission.json.utf8)), traceparent: nil, tracestate: nil)
        }
        return try await parts.submissions.registrar.register(
            accepted, registry: registry, registeredAt: instant, lookUpRepeats: false, connection: connection,
            logger: PostgresTestCluster.logger)
    }

    /// Rows of `sql` (run in the test schema), every column read as text.
    func texts(_ sql: String) async throws -> [[String?]] {
        try await database.withConnection { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestCluster.logger).collect()
            return try rows.map { row in try row.map { cell in try cell.decode(String?.self) } }
        }
    }

    /// The first column of the first row of `sql` as an integer.
    func count(_ sql: String) async throws -> Int {
        try await database.withConnection { connection in
            try await connection.queryValue(PostgresQuery(unsafeSQL: sql), as: Int.self, logger: PostgresTestCluster.logger) ?? -1
        }
    }

    /// Every value of every column of every intake table, as text (bytea as hex), for "no plaintext" checks.
    func everyStoredValue() async throws -> String {
        let tables = ["cases", "owners", "submissions", "case_timeline", "outbox", "inbox", "cities", "projects"]
        var dump = ""
        for table in tables {
            for row in try await texts("SELECT t::text FROM \(table) t") { dump += (row.first ?? nil) ?? "" }
        }
        return dump
    }
}

/// A valid submission body (the contract's example shape) with the owner's name and phone also in the texts.
func submissionJSON(
    city: String = "shenzhen", project: String = "SZ-FSG", owner: String = "OWN-88231", name: String = "Li Wei",
    phone: String = "+8613800138000", submittedAt: Date = Date().addingTimeInterval(-60), extra: String = ""
) -> String {
    """
    {"kind":"repair","channel":"hotline","submitted_at":"\(Timestamp(submittedAt).rfc3339)",
     "owner":{"id":"\(owner)","name":"\(name)","phone":"\(phone)","language":"zh-CN"},
     "property":{"city":"\(city)","project":"\(project)","building":"12","unit":"1203"},
     "title":"Kitchen tap leaking (\(name))","description":"Water drips under the sink. Call \(name) on \(phone).",
     "category_hint":"engineering.plumbing","attachments":[{"url":"https://files.example.com/1.jpg","content_type":"image/jpeg"}]\(extra)}
    """
}

/// A batch-form body with `count` defects for one unit.
func defectBatchJSON(count: Int, batch: String = "DELIVERY-2026-11-SZ-FSG-B12", owner: String = "OWN-5001") -> String {
    let defects = (0..<count).map { #"{"title":"Defect \#($0)","description":"Crack in wall \#($0)","category_hint":"engineering.finishing"}"# }
    return """
        {"kind":"repair","channel":"inspection","submitted_at":"\(Timestamp(Date().addingTimeInterval(-60)).rfc3339)",
         "owner":{"id":"\(owner)","name":"Zhang San","phone":"+8613900139000","move_in_date":"2026-11-01"},
         "property":{"city":"shenzhen","project":"SZ-FSG","building":"12","unit":"1203"},
         "inspection":{"batch":"\(batch)"},"taker":"INSPECTOR-7","defects":[\(defects.joined(separator: ","))]}
        """
}
