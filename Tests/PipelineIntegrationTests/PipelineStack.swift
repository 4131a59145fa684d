import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A CareLoop service the pipeline tests run as a real process.
enum PipelineService: String, Sendable, CaseIterable, CustomStringConvertible {
    case intake
    case routing

    /// The executable in `.build/debug` (or `CARELOOP_TEST_BIN_DIR`).
    var executable: String { "careloop-\(rawValue)" }
    var description: String { executable }
}

/// The real walking pipeline of one test: a `careloop-devbroker` process, `careloop-intake` and `careloop-routing`
/// processes configured only through `CARELOOP_*` environment variables, a fresh schema per service in the test
/// PostgreSQL server, a unique consumer-group prefix, and a PostgreSQL client for the test's own queries.
///
/// Use ``with(_:environment:_:)``: it starts everything, runs the body, then stops every process it started (also
/// when the body fails), drops the schemas and removes the temporary folder.
final class PipelineStack: Sendable {
    /// One running (or stopped) process of a service and its admin port.
    struct Instance: Sendable {
        let process: ServiceProcess
        let adminPort: Int
    }

    /// Short name of the test, part of the group prefix and folder.
    let label: String
    /// Log files, bootstrap file.
    let directory: URL
    let broker: DevBrokerProcess
    let endpoint: PostgresTestCluster.Endpoint
    /// The fresh schema of each service (the service creates and migrates it at start-up).
    let schemas: [PipelineService: String]
    /// `CARELOOP_KAFKA_CONSUMER_GROUP_PREFIX` of the services; groups are `<prefix>-intake`, `<prefix>-routing`.
    let groupPrefix: String
    /// The test's own connection pool (superuser, no schema on the search path: queries name the schema).
    let postgres: PostgresClient
    let logger: Logger
    private let extraEnvironment: [PipelineService: [String: String]]
    private let instances = Mutex<[PipelineService: Instance]>([:])
    /// Every service process started, in order, including killed ones (their logs matter).
    private let started = Mutex<[ServiceProcess]>([])

    private init(label: String, environment: [PipelineService: [String: String]]) async throws {
        self.label = label
        extraEnvironment = environment
        logger = PostgresTestCluster.logger
        endpoint = try PostgresTestCluster.endpoint()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-pipeline-\(label)-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        schemas = [.intake: "intake_\(suffix)", .routing: "routing_\(suffix)"]
        groupPrefix = "pipeline-\(label)-\(suffix)"
        postgres = PostgresClient(
            configuration: PostgresClient.Configuration(
                host: endpoint.host, port: endpoint.port, username: "postgres", password: nil, database: endpoint.database,
                tls: .disable),
            backgroundLogger: logger)
        do {
            broker = try await DevBrokerProcess(directory: directory, brokers: 3, partitions: 3)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Starts the dev broker, intake and routing (not yet waiting for readiness), runs `body`, then stops every
    /// process, drops the schemas and removes the folder, whatever `body` did.
    /// - Parameter environment: extra `CARELOOP_*` variables per service.
    static func with<T: Sendable>(
        _ label: String, environment: [PipelineService: [String: String]] = [:], _ body: (PipelineStack) async throws -> T
    ) async throws -> T {
        let stack = try await PipelineStack(label: label, environment: environment)
        let outcome: Result<T, any Error> = try await withRunning([stack.postgres]) {
            let outcome: Result<T, any Error>
            do {
                for service in PipelineService.allCases { try stack.start(service) }
                outcome = .success(try await body(stack))
            } catch {
                outcome = .failure(error)
            }
            await stack.stopEverything()
            await stack.dropSchemas()
            return outcome
        }
        stack.removeDirectory()
        return try outcome.get()
    }

    // MARK: Processes

    /// Starts a (new) process of `service` on its schema with fresh ports; it replaces the previous instance.
    @discardableResult
    func start(_ service: PipelineService) throws -> Instance {
        let adminPort = try freeLoopbackPort()
        let httpPort = try freeLoopbackPort()
        var environment = [
            "CARELOOP_KAFKA_BOOTSTRAP_FILE": broker.bootstrapFile,
            "CARELOOP_DATABASE_HOST": endpoint.host,
            "CARELOOP_DATABASE_PORT": String(endpoint.port),
            "CARELOOP_DATABASE_NAME": endpoint.database,
            "CARELOOP_DATABASE_USER": "postgres",
            "CARELOOP_DATABASE_SCHEMA": schemas[service]!,
            "CARELOOP_ADMIN_PORT": String(adminPort),
            "CARELOOP_HTTP_PORT": String(httpPort),
            "CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS": "5",
            "CARELOOP_KAFKA_CONSUMER_POLL_TIMEOUT_MS": "20",
            "CARELOOP_OUTBOX_POLL_INTERVAL_MS": "200",
            "CARELOOP_KAFKA_CONSUMER_GROUP_PREFIX": groupPrefix,
            "CARELOOP_KAFKA_STATISTICS_INTERVAL_MS": "0",
        ]
        environment.merge(extraEnvironment[service] ?? [:]) { _, extra in extra }
        let process = try ServiceProcess(service.executable, environment: environment, logDirectory: directory)
        let instance = Instance(process: process, adminPort: adminPort)
        started.withLock { $0.append(process) }
        instances.withLock { $0[service] = instance }
        return instance
    }

    /// The current process of `service`.
    func instance(_ service: PipelineService) -> Instance {
        instances.withLock { $0[service]! }
    }

    /// Waits until `/health/ready` answers 200 on the admin port of each of `services`; throws with the logs when a
    /// process exits or stays unready past `timeout`.
    func waitUntilReady(_ services: [PipelineService] = PipelineService.allCases, timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        for service in services {
            let instance = instance(service)
            while true {
                guard instance.process.isRunning else {
                    let status = await instance.process.terminate()
                    throw ServiceProcessError("\(service) exited with status \(status) before it was ready\n\(logs())")
                }
                if await httpStatus("http://127.0.0.1:\(instance.adminPort)/health/ready") == 200 { break }
                guard ContinuousClock.now < deadline else {
                    throw ServiceProcessError("\(service) was not ready within \(timeout)\n\(logs())")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Kills the current process of `service` with SIGKILL (a crash).
    func kill9(_ service: PipelineService) {
        instance(service).process.kill9()
    }

    /// Sends SIGTERM to the current process of `service`; returns its exit status (9 when it had to be killed
    /// after `timeout`) and how long it took.
    func terminate(_ service: PipelineService, timeout: Duration = .seconds(20)) async -> (status: Int32, took: Duration) {
        let start = ContinuousClock.now
        let status = await instance(service).process.terminate(timeout: timeout)
        return (status, ContinuousClock.now - start)
    }

    /// The last lines of every service process's log (killed ones too) and of the dev broker's, for failure messages.
    func logs(lines: Int = 60) -> String {
        let processes = started.withLock { $0 }
        var parts = processes.map { "----- \($0.name) (pid \($0.pid)) \($0.logFile.path) -----\n\($0.logTail(lines: lines))" }
        parts.append("----- careloop-devbroker -----\n\(broker.process.logTail(lines: 10))")
        return "\n" + parts.joined(separator: "\n")
    }

    private func stopEverything() async {
        for process in started.withLock({ $0 }) where process.isRunning {
            await process.terminate(timeout: .seconds(15))
        }
        await broker.process.terminate(timeout: .seconds(10))
    }

    private func dropSchemas() async {
        for schema in schemas.values {
            _ = try? await postgres.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: logger)
        }
    }

    private func removeDirectory() {
        guard ProcessInfo.processInfo.environment["CARELOOP_TEST_KEEP_LOGS"] == nil else { return }
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Database

    /// A row of intake's `cases`.
    struct IntakeCase: Sendable, Hashable {
        var caseID: UUID
        var reference: String
        var source: String
        var externalID: String
        var status: String
    }

    /// A row of routing's `cases`.
    struct RoutingCase: Sendable, Hashable {
        var caseID: UUID
        var reference: String
        var status: String
    }

    /// Intake's cases, all or those from one `ce_source`.
    func intakeCases(source: String? = nil) async throws -> [IntakeCase] {
        let schema = schemas[.intake]!
        let rows: PostgresRowSequence
        if let source {
            rows = try await postgres.query(
                """
                SELECT case_id, reference, source, external_id, status FROM \(unescaped: schema).cases
                WHERE source = \(source) ORDER BY reference
                """, logger: logger)
        } else {
            rows = try await postgres.query(
                "SELECT case_id, reference, source, external_id, status FROM \(unescaped: schema).cases ORDER BY reference",
                logger: logger)
        }
        var cases: [IntakeCase] = []
        for try await (caseID, reference, source, externalID, status) in rows.decode((UUID, String, String, String, String).self) {
            cases.append(IntakeCase(caseID: caseID, reference: reference, source: source, externalID: externalID, status: status))
        }
        return cases
    }

    /// Routing's cases.
    func routingCases() async throws -> [RoutingCase] {
        let rows = try await postgres.query(
            "SELECT case_id, reference, status FROM \(unescaped: schemas[.routing]!).cases", logger: logger)
        var cases: [RoutingCase] = []
        for try await (caseID, reference, status) in rows.decode((UUID, String, String).self) {
            cases.append(RoutingCase(caseID: caseID, reference: reference, status: status))
        }
        return cases
    }

    /// `count(*)` of `table` in `service`'s schema; -1 when the query fails (for polling).
    func count(_ service: PipelineService, _ table: String = "cases", where condition: String = "true") async -> Int {
        do {
            let rows = try await postgres.query(
                "SELECT count(*) FROM \(unescaped: schemas[service]!).\(unescaped: table) WHERE \(unescaped: condition)",
                logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return -1
        } catch {
            return -1
        }
    }
}

/// Collects every record a test consumer handled.
final class RecordCollector: RecordBatchHandler {
    private let state = Mutex<[ConsumedRecord]>([])

    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        state.withLock { $0 += records }
        return []
    }

    var records: [ConsumedRecord] { state.withLock { $0 } }
}

/// The test's own Kafka clients on the stack's dev broker: a producer for submissions and observers (fresh groups,
/// from the earliest offset) of `careloop.cases.v1` and of the dead-letter topics. Run them with `withRunning`.
final class PipelineClients: Sendable {
    let producer: KafkaProducer
    let casesConsumer: KafkaConsumer
    let deadLetterConsumer: KafkaConsumer
    /// Everything on `careloop.cases.v1`.
    let cases = RecordCollector()
    /// Everything on `careloop.intake.v1.dlt` and `careloop.cases.v1.dlt`.
    let deadLetters = RecordCollector()

    init(_ stack: PipelineStack) throws {
        var client = KafkaClientConfiguration(bootstrapServers: stack.broker.bootstrapServers, clientID: "careloop-pipeline-test")
        client.statisticsInterval = nil
        let logger = KafkaTestCluster.logger
        producer = try KafkaProducer(client: client, logger: logger)
        casesConsumer = try KafkaConsumer(
            client: client,
            configuration: KafkaTestCluster.consumerConfiguration(
                topics: [Topic.cases.rawValue], group: "\(stack.groupPrefix)-observer-cases"),
            handler: cases, deadLetters: producer, isTransient: { _ in true }, logger: logger)
        deadLetterConsumer = try KafkaConsumer(
            client: client,
            configuration: KafkaTestCluster.consumerConfiguration(
                topics: [Topic.intake.deadLetter.rawValue, Topic.cases.deadLetter.rawValue],
                group: "\(stack.groupPrefix)-observer-dlt"),
            handler: deadLetters, deadLetters: producer, isTransient: { _ in true }, logger: logger)
    }

    /// Produces `submissions` to `careloop.intake.v1` (in order) and returns where each landed.
    @discardableResult
    func send(_ submissions: [Submission]) async throws -> [DeliveryReport] {
        try await producer.send(submissions.map(\.record)).map { try $0.get() }
    }

    /// Produces one submission and returns where it landed.
    @discardableResult
    func send(_ submission: Submission) async throws -> DeliveryReport {
        try await send([submission])[0]
    }

    /// Every `careloop.case.registered` record seen so far on `careloop.cases.v1`.
    var registeredEvents: [CaseEvent] {
        cases.records.filter { $0.header("ce_type") == EventType.caseRegistered.rawValue }.map(CaseEvent.init)
    }

    /// Dead-letter records of `topic`'s dead-letter topic seen so far.
    func deadLetters(of topic: Topic) -> [ConsumedRecord] {
        deadLetters.records.filter { $0.topic == topic.deadLetter.rawValue }
    }
}

/// A record on `careloop.cases.v1` with the contract's data fields read from its JSON value.
struct CaseEvent: Sendable {
    let record: ConsumedRecord
    let caseID: String?
    let reference: String?
    let externalSource: String?
    let externalID: String?
    let status: String?
    let kind: String?
    let city: String?
    let project: String?

    init(_ record: ConsumedRecord) {
        self.record = record
        let object = (try? JSONSerialization.jsonObject(with: Data(record.value ?? []))) as? [String: Any] ?? [:]
        let external = object["external_ref"] as? [String: Any] ?? [:]
        let property = object["property"] as? [String: Any] ?? [:]
        caseID = object["case_id"] as? String
        reference = object["reference"] as? String
        externalSource = external["source"] as? String
        externalID = external["id"] as? String
        status = object["status"] as? String
        kind = object["kind"] as? String
        city = property["city"] as? String
        project = property["project"] as? String
    }

    /// The case id as a UUID, if it is one.
    var caseUUID: UUID? { caseID.flatMap(UUID.init(uuidString:)) }
}

/// A `careloop.voice.submitted` CloudEvent in Kafka binary mode, as a company system would produce it.
struct Submission: Sendable {
    /// `ce_source`.
    var source: String
    /// `ce_id`; `nil` leaves the header out.
    var id: String?
    /// Record key, `<city>/<project>`.
    var key: String
    /// Record value (the JSON data).
    var value: [UInt8]
    var traceparent: String?

    static let ownerName = "Li Wei"
    static let ownerPhone = "+8613800138000"
    /// The phone's digits without `+`: must not appear on an outbound topic in any form.
    static let ownerPhoneDigits = "8613800138000"
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    /// The contract's headers, in the contract's order: `ce_specversion`, `ce_id`, `ce_source`, `ce_type`, `ce_time`,
    /// `content-type` (and `traceparent` when set).
    var headers: [RecordHeader] {
        var headers = [RecordHeader(key: "ce_specversion", string: "1.0")]
        if let id { headers.append(RecordHeader(key: "ce_id", string: id)) }
        headers += [
            RecordHeader(key: "ce_source", string: source),
            RecordHeader(key: "ce_type", string: EventType.voiceSubmitted.rawValue),
            RecordHeader(key: "ce_time", string: Timestamp(Date()).rfc3339),
            RecordHeader(key: "content-type", string: "application/json"),
        ]
        if let traceparent { headers.append(RecordHeader(key: "traceparent", string: traceparent)) }
        return headers
    }

    /// The record; headers are built once per call (fresh `ce_time`).
    var record: ProducerRecord {
        ProducerRecord(topic: Topic.intake.rawValue, key: Array(key.utf8), value: value, headers: headers)
    }

    /// The same submission under another record key.
    func keyed(_ key: String) -> Submission {
        var copy = self
        copy.key = key
        return copy
    }

    /// A valid submission like the contract's example, with the owner's name and phone also typed into the title
    /// and description (as owners do), plus an unknown member (ignored by the contract).
    /// Pass `description: nil` to leave the required description out, `phone` to set another phone.
    static func make(
        source: String, id: String?, city: String = "shenzhen", project: String = "SZ-FSG",
        description: String? = "Water drips from under the sink since yesterday. Please call Li Wei on +8613800138000.",
        phone: String = ownerPhone, traceparent: String? = nil
    ) -> Submission {
        var body: [String: Any] = [
            "kind": "repair",
            "channel": "hotline",
            "submitted_at": Timestamp(Date().addingTimeInterval(-60)).rfc3339,
            "owner": ["id": "OWN-88231", "name": ownerName, "phone": phone, "language": "zh-CN"],
            "property": ["city": city, "project": project, "building": "12", "unit": "1203"],
            "title": "Kitchen tap leaking (Li Wei, 1203)",
            "category_hint": "engineering.plumbing",
            "attachments": [["url": "https://files.example.com/p/1.jpg", "content_type": "image/jpeg"]],
            "crm_internal_flag": "ignored by CareLoop",
        ]
        if let description { body["description"] = description }
        let data = try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return Submission(source: source, id: id, key: "\(city)/\(project)", value: Array(data), traceparent: traceparent)
    }
}

extension ConsumedRecord {
    /// Whether the key, value or any header value contains `text` (UTF-8).
    func mentions(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        func contains(_ bytes: [UInt8]?) -> Bool {
            guard let bytes, bytes.count >= needle.count, !needle.isEmpty else { return false }
            return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
        }
        return contains(key) || contains(value) || headers.contains { contains($0.value) || $0.key.contains(text) }
    }

    var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
}
