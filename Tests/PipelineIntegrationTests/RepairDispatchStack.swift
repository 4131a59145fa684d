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

/// `careloop-repair-dispatch` as a real process on a `careloop-devbroker` process and the test PostgreSQL, configured
/// only through `CARELOOP_*` variables (seed files for the roster and the project registry included), with the
/// test's own Kafka clients: a producer of routed cases (as routing emits them) and observers of
/// `careloop.workorders.v1` and `careloop.cases.v1`. Optionally `careloop-routing` runs next to it (its own schema),
/// so cases are routed for real and work orders reflected on them.
///
/// Use ``with(_:environment:_:)``: it stops every process it started, drops the schema and removes the folder.
final class RepairDispatchStack: Sendable {
    /// Where the current process listens.
    struct Instance: Sendable {
        let process: ServiceProcess
        let adminPort: Int
        let httpPort: Int
    }

    let directory: URL
    let broker: DevBrokerProcess
    let endpoint: PostgresTestCluster.Endpoint
    let schema: String
    let groupPrefix: String
    let postgres: PostgresClient
    let logger: Logger
    let producer: KafkaProducer
    let observer: KafkaConsumer
    let caseObserver: KafkaConsumer
    /// Everything seen on `careloop.workorders.v1`.
    let workOrderRecords = WorkOrderRecordCollector()
    /// Everything seen on `careloop.cases.v1`.
    let caseRecords = RecordCollector()
    /// Routing's schema, when routing runs.
    let routingSchema: String
    private let environment: [String: String]
    private let current = Mutex<Instance?>(nil)
    private let routing = Mutex<Instance?>(nil)
    private let started = Mutex<[ServiceProcess]>([])

    /// Two plumbers, a finishing crew and a waterproofer for SZ-FSG; capacity for a 1,000-defect wave within the horizon.
    static let technicians = """
        {"technicians": [
          {"id": "TECH-P1", "name": "Plumber One", "skills": ["plumbing"], "zones": [{"project": "SZ-FSG"}], "daily_capacity": 40},
          {"id": "TECH-P2", "name": "Plumber Two", "skills": ["plumbing"], "zones": [{"project": "SZ-FSG"}], "daily_capacity": 40},
          {"id": "CREW-F1", "name": "Finishing crew", "kind": "vendor_crew", "acceptance_required": false, "vendor_id": "VEND-F",
           "skills": ["finishing"], "zones": [{"project": "SZ-FSG"}], "daily_capacity": 60},
          {"id": "TECH-W1", "name": "Waterproofer One", "skills": ["waterproofing"], "zones": [{"project": "SZ-FSG"}], "daily_capacity": 10}
        ]}
        """

    /// SZ-FSG delivered last year.
    static let projects = """
        {"projects": [{"project": "SZ-FSG", "city": "shenzhen", "delivered_on": "2025-09-30"}]}
        """

    private init(label: String, environment: [String: String]) async throws {
        self.environment = environment
        logger = PostgresTestCluster.logger
        endpoint = try PostgresTestCluster.endpoint()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-dispatch-\(label)-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.technicians.write(to: directory.appendingPathComponent("technicians.json"), atomically: true, encoding: .utf8)
        try Self.projects.write(to: directory.appendingPathComponent("projects.json"), atomically: true, encoding: .utf8)
        schema = "repair_dispatch_\(suffix)"
        routingSchema = "routing_\(suffix)"
        groupPrefix = "dispatch-\(label)-\(suffix)"
        postgres = PostgresClient(
            configuration: PostgresClient.Configuration(
                host: endpoint.host, port: endpoint.port, username: "postgres", password: nil, database: endpoint.database, tls: .disable),
            backgroundLogger: logger)
        do {
            broker = try await DevBrokerProcess(directory: directory, brokers: 3, partitions: 3)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        var client = KafkaClientConfiguration(bootstrapServers: broker.bootstrapServers, clientID: "careloop-dispatch-test")
        client.statisticsInterval = nil
        producer = try KafkaProducer(client: client, logger: KafkaTestCluster.logger)
        observer = try KafkaConsumer(
            client: client,
            configuration: KafkaTestCluster.consumerConfiguration(topics: [Topic.workOrders.rawValue], group: "\(groupPrefix)-observer"),
            handler: workOrderRecords, deadLetters: producer, isTransient: { _ in true }, logger: KafkaTestCluster.logger)
        caseObserver = try KafkaConsumer(
            client: client,
            configuration: KafkaTestCluster.consumerConfiguration(topics: [Topic.cases.rawValue], group: "\(groupPrefix)-observer-cases"),
            handler: caseRecords, deadLetters: producer, isTransient: { _ in true }, logger: KafkaTestCluster.logger)
    }

    /// Starts the broker, the test's Kafka clients and one service process (and one routing process when
    /// `withRouting`), runs `body`, then stops everything.
    static func with<T: Sendable>(
        _ label: String, environment: [String: String] = [:], withRouting: Bool = false, _ body: (RepairDispatchStack) async throws -> T
    ) async throws -> T {
        let stack = try await RepairDispatchStack(label: label, environment: environment)
        let outcome: Result<T, any Error> = try await withRunning([stack.postgres, stack.producer, stack.observer, stack.caseObserver]) {
            let outcome: Result<T, any Error>
            do {
                if withRouting { try stack.startRouting() }
                try stack.start()
                outcome = .success(try await body(stack))
            } catch {
                outcome = .failure(error)
            }
            for process in stack.started.withLock({ $0 }) where process.isRunning { await process.terminate(timeout: .seconds(15)) }
            for schema in [stack.schema, stack.routingSchema] {
                _ = try? await stack.postgres.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: stack.logger)
            }
            return outcome
        }
        // After the test's own Kafka clients stopped, so they do not log the broker going away.
        await stack.broker.process.terminate(timeout: .seconds(10))
        if ProcessInfo.processInfo.environment["CARELOOP_TEST_KEEP_LOGS"] == nil {
            try? FileManager.default.removeItem(at: stack.directory)
        }
        return try outcome.get()
    }

    /// Repair dispatch's environment.
    private func serviceEnvironment(adminPort: Int, httpPort: Int) -> [String: String] {
        commonEnvironment(schema: schema, adminPort: adminPort, httpPort: httpPort).merging([
            "CARELOOP_REPAIR_DISPATCH_TECHNICIANS_FILE": directory.appendingPathComponent("technicians.json").path,
            "CARELOOP_REPAIR_DISPATCH_PROJECTS_FILE": directory.appendingPathComponent("projects.json").path,
        ]) { _, extra in extra }.merging(environment) { _, extra in extra }
    }

    /// Routing's environment (its defaults; its own schema).
    private func routingEnvironment(adminPort: Int, httpPort: Int) -> [String: String] {
        commonEnvironment(schema: routingSchema, adminPort: adminPort, httpPort: httpPort)
    }

    /// What every service process of the stack gets: broker, database and schema, ports, quick polling, groups.
    private func commonEnvironment(schema: String, adminPort: Int, httpPort: Int) -> [String: String] {
        [
            "CARELOOP_KAFKA_BOOTSTRAP_FILE": broker.bootstrapFile,
            "CARELOOP_DATABASE_HOST": endpoint.host,
            "CARELOOP_DATABASE_PORT": String(endpoint.port),
            "CARELOOP_DATABASE_NAME": endpoint.database,
            "CARELOOP_DATABASE_USER": "postgres",
            "CARELOOP_DATABASE_SCHEMA": schema,
            "CARELOOP_ADMIN_PORT": String(adminPort),
            "CARELOOP_HTTP_PORT": String(httpPort),
            "CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS": "5",
            "CARELOOP_KAFKA_CONSUMER_POLL_TIMEOUT_MS": "20",
            "CARELOOP_OUTBOX_POLL_INTERVAL_MS": "200",
            "CARELOOP_KAFKA_CONSUMER_GROUP_PREFIX": groupPrefix,
            "CARELOOP_KAFKA_STATISTICS_INTERVAL_MS": "0",
        ]
    }

    /// Starts a (new) service process with fresh ports.
    func start() throws {
        let instance = try launch("careloop-repair-dispatch", environment: serviceEnvironment(adminPort:httpPort:))
        current.withLock { $0 = instance }
    }

    /// Starts a routing process with fresh ports (on routing's schema, in the same consumer-group prefix).
    func startRouting() throws {
        let instance = try launch("careloop-routing", environment: routingEnvironment(adminPort:httpPort:))
        routing.withLock { $0 = instance }
    }

    /// Starts `executable` on two fresh ports with the environment made for them; its log stays with the stack.
    private func launch(_ executable: String, environment: (Int, Int) -> [String: String]) throws -> Instance {
        let adminPort = try freeLoopbackPort()
        let httpPort = try freeLoopbackPort()
        let process = try ServiceProcess(executable, environment: environment(adminPort, httpPort), logDirectory: directory)
        started.withLock { $0.append(process) }
        return Instance(process: process, adminPort: adminPort, httpPort: httpPort)
    }

    var instance: Instance { current.withLock { $0! } }

    /// The routing process, when the stack runs one.
    var routingInstance: Instance? { routing.withLock { $0 } }

    /// Waits until `/health/ready` answers 200 on repair dispatch (and routing, when it runs); throws with the logs
    /// when a process exits or stays unready.
    func waitUntilReady(timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        for instance in [routingInstance, instance].compactMap({ $0 }) {
            let name = instance.process.name
            while true {
                guard instance.process.isRunning else { throw ServiceProcessError("\(name) exited before it was ready\n\(logs())") }
                if await httpStatus("http://127.0.0.1:\(instance.adminPort)/health/ready") == 200 { break }
                guard ContinuousClock.now < deadline else { throw ServiceProcessError("\(name) was not ready within \(timeout)\n\(logs())") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Kills the current process with SIGKILL.
    func kill9() {
        instance.process.kill9()
    }

    /// Creates an API key with `careloop-repair-dispatch keys create` (or `careloop-routing keys create` with
    /// `onRouting`: the operator's way) and returns it.
    func createKey(name: String, scopes: String, subject: String?, onRouting: Bool = false) async throws -> String {
        let executable = onRouting ? "careloop-routing" : "careloop-repair-dispatch"
        let environment = onRouting ? routingEnvironment(adminPort: 0, httpPort: 0) : serviceEnvironment(adminPort: 0, httpPort: 0)
        let outcome = try await ChildCommand.run(
            ServiceProcess.binDirectory.appendingPathComponent(executable).path,
            ["keys", "create", "--name", name, "--scopes", scopes] + (subject.map { ["--subject", $0] } ?? []),
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 })
        guard outcome.status == 0,
            let line = outcome.output.split(separator: "\n").first(where: { $0.hasPrefix("key:") })
        else { throw ServiceProcessError("keys create failed (\(outcome.status)): \(outcome.output)") }
        return line.dropFirst(4).trimmingCharacters(in: .whitespaces)
    }

    /// Produces `cases` as `careloop.case.routed` events on `careloop.cases.v1`, keyed by case id, in order.
    func sendRouted(_ cases: [CaseEventData]) async throws {
        let records = try cases.map { data in
            let event = try CloudEvent.json(
                id: "\(data.caseID).routed", source: "careloop://routing", type: .caseRouted, time: data.occurredAt, subject: data.caseID,
                payload: data)
            return ProducerRecord(topic: Topic.cases.rawValue, key: Array(data.caseID.utf8), value: event.data, headers: event.kafkaHeaders())
        }
        for chunk in stride(from: 0, to: records.count, by: 500) {
            for report in await producer.send(Array(records[chunk..<min(chunk + 500, records.count)])) { _ = try report.get() }
        }
    }

    /// `count(*)` of `table` in the service's schema; -1 when the query fails (for polling).
    func count(_ table: String, where condition: String = "true") async -> Int {
        do {
            let rows = try await postgres.query(
                "SELECT count(*)::int FROM \(unescaped: schema).\(unescaped: table) WHERE \(unescaped: condition)", logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return -1
        } catch {
            return -1
        }
    }

    /// Calls the service's public API (routing's with `onRouting`); returns the status and the JSON object of the answer.
    func call(_ method: String, _ path: String, key: String, body: String? = nil, onRouting: Bool = false) async throws
        -> (status: Int, json: [String: Any])
    {
        let port = onRouting ? routingInstance!.httpPort : instance.httpPort
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    /// The last lines of every service process's log and the broker's.
    func logs(lines: Int = 60) -> String {
        var parts = started.withLock { $0 }.map { "----- \($0.name) (pid \($0.pid)) -----\n\($0.logTail(lines: lines))" }
        parts.append("----- careloop-devbroker -----\n\(broker.process.logTail(lines: 10))")
        return "\n" + parts.joined(separator: "\n")
    }
}

/// Collects every record seen on `careloop.workorders.v1`.
final class WorkOrderRecordCollector: RecordBatchHandler {
    private let state = Mutex<[ConsumedRecord]>([])

    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        state.withLock { $0 += records }
        return []
    }

    var records: [ConsumedRecord] { state.withLock { $0 } }

    /// The records of work orders of `caseID`, in topic order.
    func records(ofCase caseID: String) -> [ConsumedRecord] {
        records.filter { Self.data($0)["case_id"] as? String == caseID }
    }

    /// A record's JSON data.
    static func data(_ record: ConsumedRecord) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(record.value ?? []))) as? [String: Any] ?? [:]
    }
}

/// A `careloop.case.routed` case as routing emits it, for project SZ-FSG.
func routedRepairCase(
    _ caseID: String = UUID().uuidString.lowercased(), hint: String = "engineering.plumbing", building: String = "12", unit: String = "1203",
    batch: String? = nil, title: String = "Kitchen tap leaking"
) -> CaseEventData {
    let now = Timestamp(Date())
    return CaseEventData(
        caseID: caseID, reference: "SZ-2026-\(caseID.prefix(6))", externalRef: ExternalReference(source: "crm://acme/hotline", id: "x-\(caseID)"),
        status: .routed, kind: .repair, category: "engineering.plumbing_hvac", severity: .ordinary, department: .engineering,
        property: PropertyAddress(city: "shenzhen", project: "SZ-FSG", building: building, unit: unit),
        due: CaseDeadlines(acknowledgeBy: now, respondBy: now, resolveBy: now), occurredAt: now, ownerID: "OWN-88231",
        channel: batch == nil ? .hotline : .inspection, title: title, description: title, categoryHint: hint, inspectionBatch: batch,
        submittedAt: now, previousStatus: .registered, requiresWorkOrder: true)
}
