import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `careloop-intake` alone as a real process (killable with SIGKILL and restarted on the same schema and ports), a
/// `careloop-devbroker` process, a fresh schema and the test's own Kafka producer and PostgreSQL client.
final class IntakeProcessStack: Sendable {
    let directory: URL
    let broker: DevBrokerProcess
    let schema: String
    let postgres: PostgresClient
    let producer: KafkaProducer
    let httpPort: Int
    let logger = PostgresTestCluster.logger
    private let environment: [String: String]
    private let current = Mutex<ServiceProcess?>(nil)
    private let started = Mutex<[ServiceProcess]>([])

    private init(label: String, tuning: [String: String]) async throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-intake-\(label)-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        broker = try await DevBrokerProcess(directory: directory, brokers: 3, partitions: 3)
        let endpoint = try PostgresTestCluster.endpoint()
        schema = "intake_\(label)_\(suffix)"
        httpPort = try freeLoopbackPort()
        postgres = PostgresClient(
            configuration: PostgresClient.Configuration(
                host: endpoint.host, port: endpoint.port, username: "postgres", password: nil, database: endpoint.database, tls: .disable),
            backgroundLogger: logger)
        var client = KafkaClientConfiguration(bootstrapServers: broker.bootstrapServers, clientID: "intake-crash-test")
        client.statisticsInterval = nil
        producer = try KafkaProducer(client: client, logger: KafkaTestCluster.logger)
        environment = [
            "CARELOOP_KAFKA_BOOTSTRAP_FILE": broker.bootstrapFile, "CARELOOP_DATABASE_HOST": endpoint.host,
            "CARELOOP_DATABASE_PORT": String(endpoint.port), "CARELOOP_DATABASE_NAME": endpoint.database,
            "CARELOOP_DATABASE_USER": "postgres", "CARELOOP_DATABASE_SCHEMA": schema, "CARELOOP_HTTP_PORT": String(httpPort),
            "CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS": "5", "CARELOOP_KAFKA_CONSUMER_POLL_TIMEOUT_MS": "20",
            "CARELOOP_OUTBOX_POLL_INTERVAL_MS": "200", "CARELOOP_KAFKA_CONSUMER_GROUP_PREFIX": "crash-\(suffix)",
            "CARELOOP_KAFKA_STATISTICS_INTERVAL_MS": "0", "CARELOOP_KAFKA_CONSUMER_SESSION_TIMEOUT_MS": "3000",
            "CARELOOP_HTTP_RATE_LIMIT_PER_SECOND": "100000",
        ].merging(tuning) { _, new in new }
    }

    /// Runs `body` with a stack (intake not yet started), then stops everything and drops the schema.
    static func with<T: Sendable>(_ label: String, tuning: [String: String] = [:], _ body: (IntakeProcessStack) async throws -> T) async throws -> T {
        let stack = try await IntakeProcessStack(label: label, tuning: tuning)
        let outcome: Result<T, any Error> = try await withRunning([stack.postgres, stack.producer]) {
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(stack))
            } catch {
                outcome = .failure(error)
            }
            for process in stack.started.withLock({ $0 }) where process.isRunning { await process.terminate(timeout: .seconds(15)) }
            _ = try? await stack.postgres.query("DROP SCHEMA IF EXISTS \(unescaped: stack.schema) CASCADE", logger: stack.logger)
            return outcome
        }
        await stack.broker.process.terminate(timeout: .seconds(10))
        if ProcessInfo.processInfo.environment["CARELOOP_TEST_KEEP_LOGS"] == nil { try? FileManager.default.removeItem(at: stack.directory) }
        return try outcome.get()
    }

    /// Starts intake (a new process each time, same schema and ports) and waits until it is ready.
    func start() async throws {
        let adminPort = try freeLoopbackPort()
        let process = try ServiceProcess(
            "careloop-intake", environment: environment.merging(["CARELOOP_ADMIN_PORT": String(adminPort)]) { _, new in new },
            logDirectory: directory)
        current.withLock { $0 = process }
        started.withLock { $0.append(process) }
        let ready = await eventually(timeout: .seconds(90)) {
            guard process.isRunning else { return true }
            return await httpStatus("http://127.0.0.1:\(adminPort)/health/ready") == 200
        }
        guard ready, process.isRunning else { throw ServiceProcessError("intake did not get ready\n\(logs())") }
    }

    /// Kills the running intake with SIGKILL.
    func kill9() {
        current.withLock { $0 }?.kill9()
    }

    /// An API key made with `careloop-intake keys create`.
    func createAPIKey(scopes: String) async throws -> String {
        let outcome = try await ChildCommand.run(
            ServiceProcess.binDirectory.appendingPathComponent("careloop-intake").path,
            ["keys", "create", "--name", "crash-test", "--scopes", scopes],
            environment: environment.merging(["PATH": "/usr/bin:/bin", "CARELOOP_LOG_LEVEL": "error"]) { _, new in new })
        guard outcome.status == 0, let line = outcome.output.split(separator: "\n").first(where: { $0.hasPrefix("key:") }),
            let key = line.split(separator: " ").last
        else { throw ServiceProcessError("keys create failed (\(outcome.status)):\n\(outcome.output)") }
        return String(key)
    }

    /// Produces `value` to `careloop.intake.v1` with the contract's headers.
    func submissionRecord(_ value: String, id: String, source: String = "tablet://acme/inspection") -> ProducerRecord {
        let headers = [
            RecordHeader(key: "ce_specversion", string: "1.0"), RecordHeader(key: "ce_id", string: id),
            RecordHeader(key: "ce_source", string: source), RecordHeader(key: "ce_type", string: EventType.voiceSubmitted.rawValue),
            RecordHeader(key: "ce_time", string: Timestamp(Date()).rfc3339), RecordHeader(key: "content-type", string: "application/json"),
        ]
        return ProducerRecord(topic: Topic.intake.rawValue, key: Array("shenzhen/SZ-FSG".utf8), value: Array(value.utf8), headers: headers)
    }

    /// Rows of a query in intake's schema, first column as an integer (`-1` when it fails, for polling).
    func integer(_ sql: String) async -> Int {
        do {
            let rows = try await postgres.query(
                PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "$schema", with: schema)), logger: logger)
            for try await value in rows.decode(Int.self) { return value }
            return -1
        } catch {
            return -1
        }
    }

    /// POSTs `body` to `/v1/cases`; `nil` when the connection fails (the service is down).
    func post(_ body: String, idempotencyKey: String, apiKey: String) async -> (status: Int, body: [String: Any])? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)/v1/cases")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 10
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = Data(body.utf8)
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// The end of every intake process's log and the broker's.
    func logs(lines: Int = 40) -> String {
        let processes = started.withLock { $0 }
        return "\n" + processes.map { "----- \($0.name) (pid \($0.pid)) -----\n\($0.logTail(lines: lines))" }.joined(separator: "\n")
            + "\n----- careloop-devbroker -----\n\(broker.process.logTail(lines: 10))"
    }
}

/// A delivery-inspection body: `defects` defects of one unit, each with a distinct description.
func inspectionBatchBody(unit: Int, defects: Int) -> String {
    let items = (0..<defects).map { #"{"description":"Unit \#(unit) defect \#($0): crack in the living-room wall"}"# }
    return """
        {"kind":"repair","channel":"inspection","submitted_at":"\(Timestamp(Date().addingTimeInterval(-60)).rfc3339)",
         "owner":{"id":"OWN-\(unit)","name":"Chen Jing","phone":"+86139\(String(format: "%08d", unit))"},
         "property":{"city":"shenzhen","project":"SZ-FSG","building":"12","unit":"\(unit)"},
         "inspection":{"batch":"DELIVERY-2026-11-SZ-FSG-B12"},"defects":[\(items.joined(separator: ","))]}
        """
}

/// A single-form body: one owner's repair request for `unit`.
func singleVoiceBody(unit: Int) -> String {
    """
    {"kind":"repair","channel":"hotline","submitted_at":"\(Timestamp(Date().addingTimeInterval(-60)).rfc3339)",
     "owner":{"id":"OWN-\(unit)","name":"Chen Jing","phone":"+86139\(String(format: "%08d", unit))"},
     "property":{"city":"shenzhen","project":"SZ-FSG","building":"12","unit":"\(unit)"},
     "description":"Unit \(unit): the kitchen tap leaks"}
    """
}
