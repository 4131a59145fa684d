import CareLoopContracts
import CareLoopDevBroker
import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO
import Prometheus
import RepairDispatchService
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `careloop-bench dispatch-wave`: a delivery wave end to end through the repair-dispatch service's real runtime
/// (consumer, handler, PostgreSQL transaction, outbox relay, producer) on an in-process librdkafka mock cluster.
///
/// The service starts with a seeded roster (`--crews` crews per trade) and registry and waits until ready; then
/// `--defects` `careloop.case.routed` inspection defects of one project (`--buildings` buildings, five trades) are
/// produced at once. Measured from the first send: every work order opened and assigned in PostgreSQL, and every
/// `opened` and `assigned` event seen on `careloop.workorders.v1`.
enum DispatchWaveBench: BenchScenario {
    static let name = "dispatch-wave"
    static let summary = "a delivery wave of routed defects → work orders opened, grouped, assigned and announced"

    static let trades: [(hint: String, skill: String)] = [
        ("engineering.plumbing", "plumbing"), ("engineering.finishing", "finishing"), ("engineering.electrical", "electrical"),
        ("engineering.windows", "windows"), ("engineering.doors", "carpentry"),
    ]

    static func run(arguments: BenchArguments) async throws {
        let defects = try arguments.int("defects", default: 5_000)
        let buildings = try arguments.int("buildings", default: 20)
        let crews = try arguments.int("crews", default: 8)
        let partitions = try arguments.int("partitions", default: 6)
        let logLevel = arguments.string("log-level", default: "warning")
        let logger = {
            var logger = Logger(label: "careloop.bench")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
            return logger
        }()

        let cluster = try KafkaTestCluster.cluster()
        for topic in [Topic.cases, .workOrders] {
            try cluster.createTopic(topic.rawValue, partitions: partitions)
            try cluster.createTopic(topic.deadLetter.rawValue, partitions: partitions)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-bench-dispatch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Enough crews for the wave within the planning horizon: `crews` per trade, 25 jobs a day each.
        let roster = Self.trades.flatMap { trade in
            (0..<crews).map { number in
                #"{"id":"\#(trade.skill.uppercased())-\#(number)","name":"\#(trade.skill) crew \#(number)","skills":["\#(trade.skill)"],"zones":[{"project":"SZ-WAVE"}],"daily_capacity":25}"#
            }
        }
        try #"{"technicians":[\#(roster.joined(separator: ","))]}"#.write(to: folder.appendingPathComponent("technicians.json"), atomically: true, encoding: .utf8)
        try #"{"projects":[{"project":"SZ-WAVE","city":"shenzhen","delivered_on":"2026-11-20"}]}"#
            .write(to: folder.appendingPathComponent("projects.json"), atomically: true, encoding: .utf8)

        let database = try await PostgresTestCluster.makeSchema(prefix: "bench_dispatch")
        let settings = SettingsLoader.inMemory([
            "kafka.bootstrapServers": cluster.bootstrapServers, "kafka.statisticsIntervalMs": "0",
            "kafka.consumer.groupPrefix": "bench-\(UUID().uuidString.prefix(8))", "database.host": database.host,
            "database.port": String(database.port), "database.user": database.user, "database.name": database.database,
            "database.schema": database.schema, "admin.port": "0", "http.port": "0", "log.level": logLevel,
            "repairDispatch.techniciansFile": folder.appendingPathComponent("technicians.json").path,
            "repairDispatch.projectsFile": folder.appendingPathComponent("projects.json").path,
        ])
        let runtime = try RuntimeSettings(identity: .repairDispatch, settings: settings)

        var client = try KafkaTestCluster.clientConfiguration(clientID: "careloop-bench")
        client.statisticsInterval = nil
        let producer = try KafkaProducer(client: client, logger: logger)
        let announced = WorkOrderEventCounter()
        var observerConfiguration = KafkaTestCluster.consumerConfiguration(
            topics: [Topic.workOrders.rawValue], group: "bench-observer-\(UUID().uuidString.prefix(8))")
        observerConfiguration.maxBatch = 2000
        let observer = try KafkaConsumer(
            client: client, configuration: observerConfiguration, handler: announced, deadLetters: producer, isTransient: { _ in true },
            logger: logger)
        let records = try (0..<defects).map { index in try Self.defect(index: index, buildings: buildings) }
        let adminPort = AdminPortBox()

        try await withRunning([producer, observer]) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await ServiceRunner.run(
                        RepairDispatchServiceDefinition(), settings: runtime, registry: PrometheusCollectorRegistry(), logger: logger,
                        onAdminRunning: { port in adminPort.port.withLock { $0 = port } })
                }
                let outcome: Result<String, any Error>
                do {
                    outcome = .success(
                        try await Self.measure(
                            records: records, producer: producer, announced: announced, database: database, adminPort: adminPort))
                } catch {
                    outcome = .failure(error)
                }
                // Stopped as in production, by SIGTERM: consumers, timers, relay and producer shut down in order, then
                // the pool. (Cancelling the task, or a parent's graceful shutdown, also stops the pool at once, which
                // can leave the outbox relay retrying against a closed pool.)
                kill(getpid(), SIGTERM)
                try await group.waitForAll()
                print("dispatch-wave: \(defects) routed defects of one project, \(buildings) buildings, 5 trades, \(crews * 5) crews × 25 jobs/day, \(partitions) partitions")
                print(try outcome.get())
            }
        }
        try await PostgresTestCluster.dropSchema(database)
    }

    /// Waits until the service is ready, produces the wave and waits until every order is assigned in PostgreSQL
    /// and announced on the topic; returns the figures.
    static func measure(
        records: [ProducerRecord], producer: KafkaProducer, announced: WorkOrderEventCounter, database: DatabaseConfiguration,
        adminPort: AdminPortBox
    ) async throws -> String {
        let defects = records.count
        let ready = await eventually(timeout: .seconds(120)) {
            guard let port = adminPort.port.withLock({ $0 }) else { return false }
            return await httpStatus("http://127.0.0.1:\(port)/health/ready") == 200
        }
        guard ready else { throw BenchUsageError("the service did not become ready within 2 minutes") }
        // The consumer group is joined; give the assignment a moment to settle on every partition.
        try await Task.sleep(for: .seconds(2))

        let start = ContinuousClock.now
        for chunk in stride(from: 0, to: records.count, by: 1000) {
            for result in await producer.send(Array(records[chunk..<min(chunk + 1000, records.count)])) { _ = try result.get() }
        }
        let produced = ContinuousClock.now - start
        let stored = await eventually(timeout: .seconds(300)) { (try? await assignedCount(database)) ?? 0 >= defects }
        let storedAfter = ContinuousClock.now - start
        let seen = await eventually(timeout: .seconds(300)) { announced.count(of: "careloop.workorder.assigned") >= defects }
        let seenAfter = ContinuousClock.now - start
        guard stored, seen else {
            throw BenchUsageError(
                "incomplete: \((try? await assignedCount(database)) ?? -1) assigned, \(announced.count(of: "careloop.workorder.assigned")) announced")
        }
        let opened = announced.count(of: "careloop.workorder.opened")
        let assigned = announced.count(of: "careloop.workorder.assigned")
        return [
            String(format: "  produced in %.2f s", seconds(produced)),
            String(
                format: "  all %d work orders opened and assigned in PostgreSQL after %.2f s (%.0f orders/s)", defects, seconds(storedAfter),
                Double(defects) / seconds(storedAfter)),
            String(format: "  all %d opened + %d assigned events on careloop.workorders.v1 after %.2f s", opened, assigned, seconds(seenAfter)),
            "  plan: \(try await planSummary(database))",
        ].joined(separator: "\n")
    }

    /// `duration` in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Routed inspection defect `index`: building `index % buildings`, trades in turn, one unit per 10 defects.
    static func defect(index: Int, buildings: Int) throws -> ProducerRecord {
        let caseID = UUIDv7.make().uuidString.lowercased()
        let trade = trades[index % trades.count]
        let now = Timestamp(Date())
        let data = CaseEventData(
            caseID: caseID, reference: "SZ-2026-\(String(format: "%06d", index))",
            externalRef: ExternalReference(source: "crm://bench/inspection", id: "wave-\(index)"), status: .routed, kind: .repair,
            category: "engineering.other", severity: .ordinary, department: .engineering,
            property: PropertyAddress(city: "shenzhen", project: "SZ-WAVE", building: String(index % buildings), unit: String(index / 10)),
            due: CaseDeadlines(acknowledgeBy: now, respondBy: now, resolveBy: now), occurredAt: now, ownerID: "OWN-\(index / 10)",
            channel: .inspection, title: "Defect \(index)", description: "Delivery inspection item \(index)", categoryHint: trade.hint,
            inspectionBatch: "DELIVERY-2026-11-SZ-WAVE", submittedAt: now, previousStatus: .registered, requiresWorkOrder: true)
        let event = try CloudEvent.json(
            id: "\(caseID).routed", source: "careloop://routing", type: .caseRouted, time: now, subject: caseID, payload: data)
        return ProducerRecord(topic: Topic.cases.rawValue, key: Array(caseID.utf8), value: event.data, headers: event.kafkaHeaders())
    }

    static func assignedCount(_ database: DatabaseConfiguration) async throws -> Int {
        try await PostgresTestCluster.withAdminConnection(to: database) { connection in
            try await connection.queryValue(
                "SELECT count(*)::int FROM \(unescaped: database.schema).work_orders WHERE technician_id IS NOT NULL", as: Int.self,
                logger: Logger(label: "careloop.bench")) ?? 0
        }
    }

    /// Days used, batches (crew × day × building/trade) and their mean size.
    static func planSummary(_ database: DatabaseConfiguration) async throws -> String {
        try await PostgresTestCluster.withAdminConnection(to: database) { connection in
            let rows = try await connection.query(
                """
                SELECT count(DISTINCT planned_day)::int, count(*)::int, avg(n)::float8 FROM (
                    SELECT planned_day, count(*) AS n FROM \(unescaped: database.schema).work_orders
                    GROUP BY technician_id, planned_day, dispatch_group) batches
                """, logger: Logger(label: "careloop.bench")
            ).collect()
            let (days, batches, mean) = try rows.first?.decode((Int, Int, Double).self) ?? (0, 0, 0)
            return String(format: "%d planned days, %d batches (crew × day × building/trade), %.1f orders per batch", days, batches, mean)
        }
    }
}

/// The admin port the in-process service reports once it listens.
final class AdminPortBox: Sendable {
    let port = Mutex<Int?>(nil)
}

/// Counts records on `careloop.workorders.v1` by `ce_type`.
final class WorkOrderEventCounter: RecordBatchHandler {
    private let counts = Mutex<[String: Int]>([:])

    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        counts.withLock { counts in
            for record in records { counts[record.header("ce_type") ?? "", default: 0] += 1 }
        }
        return []
    }

    func count(of type: String) -> Int { counts.withLock { $0[type] ?? 0 } }
}
