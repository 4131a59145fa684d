import CareLoopContracts
import CareLoopKafka
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO

/// The intake benchmarks' stack, as in production shape: a `careloop-devbroker` process, `careloop-intake` as its own
/// process (from the folder of this executable, so a release bench runs the release service), a fresh schema of the
/// benchmark PostgreSQL, the bench's own Kafka producer and a PostgreSQL client.
final class IntakeBenchStack: Sendable {
    let directory: URL
    let broker: DevBrokerProcess
    let schema: String
    let postgres: PostgresClient
    let producer: KafkaProducer
    let httpPort: Int
    let environment: [String: String]
    let logger: Logger

    /// Starts the broker with `partitions` per topic and makes a schema; intake is started by ``startIntake()``.
    init(label: String, partitions: Int, intake: [String: String], logger: Logger) async throws {
        self.logger = logger
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if ProcessInfo.processInfo.environment["CARELOOP_TEST_BIN_DIR"] == nil,
            FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("careloop-intake").path)
        {
            setenv("CARELOOP_TEST_BIN_DIR", binaries.path, 1)
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-bench-\(label)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        broker = try await DevBrokerProcess(directory: directory, brokers: 3, partitions: partitions)
        let database = try await PostgresTestCluster.makeSchema(prefix: "bench_\(label)")
        schema = database.schema
        httpPort = try freeLoopbackPort()
        postgres = PostgresClient(
            configuration: PostgresClient.Configuration(
                host: database.host, port: database.port, username: database.user, password: nil, database: database.database,
                tls: .disable),
            backgroundLogger: logger)
        var client = KafkaClientConfiguration(bootstrapServers: broker.bootstrapServers, clientID: "careloop-bench")
        client.statisticsInterval = nil
        producer = try KafkaProducer(client: client, logger: logger)
        environment = [
            "CARELOOP_KAFKA_BOOTSTRAP_FILE": broker.bootstrapFile, "CARELOOP_DATABASE_HOST": database.host,
            "CARELOOP_DATABASE_PORT": String(database.port), "CARELOOP_DATABASE_NAME": database.database,
            "CARELOOP_DATABASE_USER": database.user, "CARELOOP_DATABASE_SCHEMA": schema, "CARELOOP_HTTP_PORT": String(httpPort),
            "CARELOOP_ADMIN_PORT": String(try freeLoopbackPort()), "CARELOOP_KAFKA_STATISTICS_INTERVAL_MS": "0",
            "CARELOOP_KAFKA_CONSUMER_GROUP_PREFIX": "bench-\(UUID().uuidString.prefix(8))", "CARELOOP_LOG_LEVEL": "warning",
        ].merging(intake) { _, new in new }
    }

    /// Starts `careloop-intake` and waits until `/health/ready` answers 200.
    func startIntake() async throws -> ServiceProcess {
        let process = try ServiceProcess("careloop-intake", environment: environment, logDirectory: directory)
        let admin = environment["CARELOOP_ADMIN_PORT"]!
        let ready = await eventually(timeout: .seconds(120)) {
            guard process.isRunning else { return true }
            return await httpStatus("http://127.0.0.1:\(admin)/health/ready") == 200
        }
        guard ready, process.isRunning else { throw BenchUsageError("careloop-intake did not get ready:\n\(process.logTail())") }
        return process
    }

    /// An API key with `scopes` and its own rate, made with `careloop-intake keys create`.
    func createAPIKey(scopes: String, rate: Int) async throws -> String {
        let outcome = try await ChildCommand.run(
            ServiceProcess.binDirectory.appendingPathComponent("careloop-intake").path,
            ["keys", "create", "--name", "bench", "--scopes", scopes, "--rate", String(rate)],
            environment: environment.merging(["PATH": "/usr/bin:/bin", "CARELOOP_LOG_LEVEL": "error"]) { _, new in new })
        guard outcome.status == 0, let line = outcome.output.split(separator: "\n").first(where: { $0.hasPrefix("key:") }),
            let key = line.split(separator: " ").last
        else { throw BenchUsageError("keys create failed:\n\(outcome.output)") }
        return String(key)
    }

    /// The first column of the first row of `sql` (with `$schema` replaced) as an integer, or -1.
    func integer(_ sql: String) async -> Int {
        do {
            let rows = try await postgres.query(PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "$schema", with: schema)), logger: logger)
            for try await value in rows.decode(Int.self) { return value }
        } catch {
            logger.warning("bench query failed", metadata: ["error": "\(error)"])
        }
        return -1
    }

    /// Milliseconds at percentiles 50, 90, 99 and 100 of `expression` over rows of `from` (e.g. registration latency).
    func percentiles(_ expression: String, from: String) async -> [Double] {
        do {
            let sql = """
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY \(expression)), percentile_cont(0.9) WITHIN GROUP (ORDER BY \(expression)),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY \(expression)), max(\(expression))::float8
                FROM \(from)
                """
            let rows = try await postgres.query(PostgresQuery(unsafeSQL: sql.replacingOccurrences(of: "$schema", with: schema)), logger: logger)
            for try await (p50, p90, p99, maximum) in rows.decode((Double?, Double?, Double?, Double?).self) {
                return [p50 ?? 0, p90 ?? 0, p99 ?? 0, maximum ?? 0]
            }
        } catch {
            logger.warning("bench query failed", metadata: ["error": "\(error)"])
        }
        return [0, 0, 0, 0]
    }

    /// Stops the broker, drops the schema, removes the folder (kept with `CARELOOP_BENCH_KEEP_LOGS` set).
    func tearDown() async {
        await broker.process.terminate(timeout: .seconds(10))
        _ = try? await postgres.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: logger)
        if ProcessInfo.processInfo.environment["CARELOOP_BENCH_KEEP_LOGS"] == nil {
            try? FileManager.default.removeItem(at: directory)
        } else {
            print("logs kept in \(directory.path)")
        }
    }
}

/// Realistic submission bodies for the intake benchmarks: four cities' projects, owners with names and phones that
/// also appear in the texts, Chinese and English reports.
enum SubmissionBodies {
    private static let properties = [("shenzhen", "SZ-FSG"), ("wuhan", "WH-LKC"), ("beijing", "BJ-01"), ("shanghai", "SH-XJH"),
        ("guangzhou", "GZ-ZJX"), ("chengdu", "CD-TFX")]
    private static let reports = [
        ("卫生间漏水", "楼上卫生间渗水，天花板一直滴水，请尽快安排维修，电话 13800138000"),
        ("Kitchen tap leaking", "Water drips from under the sink since yesterday. Please call Li Wei."),
        ("入户门变形", "木门开裂变形，关不上"),
        ("Cracks in the living room wall", "Long cracks appeared along the ceiling after the rain."),
    ]

    /// The single-form body number `index`, submitted at `submittedAt`.
    static func single(_ index: Int, submittedAt: Date = Date()) -> String {
        let (city, project) = properties[index % properties.count]
        let (title, description) = reports[index % reports.count]
        return """
            {"kind":"repair","channel":"hotline","submitted_at":"\(Timestamp(submittedAt).rfc3339)",
             "owner":{"id":"OWN-\(index % 20_000)","name":"Li Wei","phone":"+86138\(String(format: "%08d", index % 100_000_000))","language":"zh-CN"},
             "property":{"city":"\(city)","project":"\(project)","building":"\(index % 30 + 1)","unit":"\(index % 2000 + 101)"},
             "title":"\(title)","description":"\(description)","category_hint":"engineering.plumbing",
             "attachments":[{"url":"https://files.example.com/\(index).jpg","content_type":"image/jpeg"}]}
            """
    }

    /// A `careloop.voice.submitted` record carrying ``single(_:submittedAt:)``.
    static func record(_ index: Int, source: String, submittedAt: Date = Date()) -> ProducerRecord {
        let headers = [
            RecordHeader(key: "ce_specversion", string: "1.0"), RecordHeader(key: "ce_id", string: "bench-\(index)"),
            RecordHeader(key: "ce_source", string: source), RecordHeader(key: "ce_type", string: EventType.voiceSubmitted.rawValue),
            RecordHeader(key: "ce_time", string: Timestamp(submittedAt).rfc3339), RecordHeader(key: "content-type", string: "application/json"),
        ]
        let (city, project) = properties[index % properties.count]
        return ProducerRecord(
            topic: Topic.intake.rawValue, key: Array("\(city)/\(project)".utf8), value: Array(single(index, submittedAt: submittedAt).utf8),
            headers: headers)
    }
}
