import CareLoopContracts
import CareLoopHTTP
import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO
import Prometheus
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import IntakeService

/// The whole intake service running in this process (`ServiceRunner.run`, as `careloop-intake` runs it) against a
/// `careloop-devbroker` process and a fresh schema of the test PostgreSQL, with the test's own Kafka clients: a
/// producer and observers of `careloop.cases.v1` and the dead-letter topics.
final class IntakeServiceStack: Sendable {
    let broker: DevBrokerProcess
    let database: Database
    let httpPort: Int
    let producer: KafkaProducer
    let cases = Collector()
    let deadLetters = Collector()
    private let observers: [KafkaConsumer]

    private init(broker: DevBrokerProcess, database: Database, httpPort: Int, groupPrefix: String) throws {
        self.broker = broker
        self.database = database
        self.httpPort = httpPort
        var client = KafkaClientConfiguration(bootstrapServers: broker.bootstrapServers, clientID: "intake-test")
        client.statisticsInterval = nil
        producer = try KafkaProducer(client: client, logger: KafkaTestCluster.logger)
        observers = [
            try KafkaConsumer(
                client: client,
                configuration: KafkaTestCluster.consumerConfiguration(topics: [Topic.cases.rawValue], group: "\(groupPrefix)-observer-cases"),
                handler: cases, deadLetters: producer, isTransient: { _ in true }, logger: KafkaTestCluster.logger),
            try KafkaConsumer(
                client: client,
                configuration: KafkaTestCluster.consumerConfiguration(
                    topics: [Topic.intake.deadLetter.rawValue, Topic.cases.deadLetter.rawValue], group: "\(groupPrefix)-observer-dlt"),
                handler: deadLetters, deadLetters: producer, isTransient: { _ in true }, logger: KafkaTestCluster.logger),
        ]
    }

    /// Starts the broker, the service and the observers, waits until the service is ready, runs `body`, stops it all.
    static func with<T: Sendable>(settings extra: [String: String] = [:], _ body: (IntakeServiceStack) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-intake-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = try await DevBrokerProcess(directory: directory, brokers: 3, partitions: 3)
        defer { broker.process.kill9() }
        let configuration = try await PostgresTestCluster.makeSchema(prefix: "intake_svc")
        let httpPort = try freeLoopbackPort()
        let groupPrefix = "intake-test-\(UUID().uuidString.prefix(8))"
        var values = [
            "kafka.bootstrapServers": broker.bootstrapServers, "kafka.statisticsIntervalMs": "0",
            "kafka.consumer.groupPrefix": groupPrefix, "kafka.consumer.fetchWaitMaxMs": "5", "kafka.consumer.pollTimeoutMs": "20",
            "database.host": configuration.host, "database.port": String(configuration.port), "database.user": "postgres",
            "database.name": configuration.database, "database.schema": configuration.schema,
            "admin.port": "0", "http.port": String(httpPort), "outbox.pollIntervalMs": "200", "http.rateLimitPerSecond": "100000",
        ]
        values.merge(extra) { _, new in new }
        let settings = try RuntimeSettings(identity: .intake, settings: SettingsLoader.inMemory(values))
        let database = try Database(configuration: configuration, logger: PostgresTestCluster.logger)
        let stack = try IntakeServiceStack(broker: broker, database: database, httpPort: httpPort, groupPrefix: groupPrefix)
        let adminPort = PortBox()
        let result = try await withRunning([database, stack.producer] + stack.observers) {
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await ServiceRunner.run(
                        IntakeServiceDefinition(), settings: settings, registry: PrometheusCollectorRegistry(),
                        logger: PostgresTestCluster.logger, onAdminRunning: { port in adminPort.port.withLock { $0 = port } })
                    return nil
                }
                let ready = await eventually(timeout: .seconds(90)) {
                    guard let port = adminPort.port.withLock({ $0 }) else { return false }
                    return await httpStatus("http://127.0.0.1:\(port)/health/ready") == 200
                }
                guard ready else {
                    let port = adminPort.port.withLock { $0 }
                    let health = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port ?? 0)/health/ready")!)
                    throw ServiceProcessError(
                        "intake did not get ready (admin port \(port.map(String.init) ?? "none")): "
                            + "\(health.map { String(decoding: $0.0, as: UTF8.self) } ?? "no answer")\n\(broker.process.logTail())")
                }
                let result = try await body(stack)
                group.cancelAll()
                while let next = try await group.next() { _ = next }
                return result
            }
        }
        try await PostgresTestCluster.dropSchema(configuration)
        return result
    }

    /// An API key of the running service.
    func apiKey(scopes: Set<APIScope>, cities: Set<String> = []) async throws -> String {
        try await APIKeyStore(database: database).create(name: "test", scopes: scopes, cities: cities).key
    }

    /// Calls the service's public API over its socket.
    func request(_ method: String, _ path: String, key: String?, headers: [String: String] = [:], body: String? = nil) async throws
        -> (status: Int, body: [String: Any], headers: [String: String])
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 20
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw ServiceProcessError("no HTTP response") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return (http.statusCode, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:], fields)
    }

    /// Produces `value` to `careloop.intake.v1` as a company system would, with the contract's headers; `id: nil` leaves
    /// `ce_id` out.
    @discardableResult
    func submit(_ value: String, source: String = "crm://acme/hotline", id: String?, key: String = "shenzhen/SZ-FSG",
        contentType: String = "application/json", traceparent: String? = nil) async throws -> DeliveryReport
    {
        var headers = [RecordHeader(key: "ce_specversion", string: "1.0")]
        if let id { headers.append(RecordHeader(key: "ce_id", string: id)) }
        headers += [
            RecordHeader(key: "ce_source", string: source), RecordHeader(key: "ce_type", string: EventType.voiceSubmitted.rawValue),
            RecordHeader(key: "ce_time", string: Timestamp(Date()).rfc3339), RecordHeader(key: "content-type", string: contentType),
        ]
        if let traceparent { headers.append(RecordHeader(key: "traceparent", string: traceparent)) }
        return try await producer.send(ProducerRecord(topic: Topic.intake.rawValue, key: Array(key.utf8), value: Array(value.utf8), headers: headers))
    }

    /// `count(*)` of intake's `table` where `condition` holds.
    func count(_ table: String, where condition: String = "true") async throws -> Int {
        try await database.withConnection { connection in
            try await connection.queryValue(
                PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE \(condition)"), as: Int.self, logger: PostgresTestCluster.logger) ?? -1
        }
    }

    /// Registered events seen on `careloop.cases.v1`.
    var registered: [ConsumedRecord] {
        cases.records.filter { $0.header("ce_type") == EventType.caseRegistered.rawValue }
    }
}

/// The admin port, once the service listens.
final class PortBox: Sendable {
    let port = Mutex<Int?>(nil)
}

/// Collects every record a test consumer handled.
final class Collector: RecordBatchHandler {
    private let state = Mutex<[ConsumedRecord]>([])

    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        state.withLock { $0 += records }
        return []
    }

    var records: [ConsumedRecord] { state.withLock { $0 } }
}
