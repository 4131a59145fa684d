import CareLoopContracts
import Dispatch
import CareLoopDevBroker
import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import Histogram
import Logging
import PostgresNIO
import Prometheus
import RoutingService
import Synchronization

/// `careloop-bench routing-throughput`: the routing service (its real runtime: consumer, handler, PostgreSQL
/// transaction, outbox relay, producer) between `careloop.case.registered` and `careloop.case.routed` on an
/// in-process librdkafka mock cluster.
///
/// 1. Drain: `--cases` registered events are produced first, then routing starts; cases/s is measured from the
///    first to the last `routed` seen on the topic (consumer-group start-up excluded).
/// 2. Rate: `--rate` registered cases/s for `--seconds`; latency from each registered record's producer timestamp
///    to its routed record's producer timestamp (both "on the topic"), p50/p99/max.
enum RoutingThroughputBench: BenchScenario {
    static let name = "routing-throughput"
    static let summary = "registered → routed through the routing service: drain cases/s, latency at a set rate"

    static func run(arguments: BenchArguments) async throws {
        let drainCases = try arguments.int("cases", default: 20_000)
        let rate = try arguments.int("rate", default: 300)
        let seconds = try arguments.int("seconds", default: 30)
        let projects = try arguments.int("projects", default: 5_000)
        let partitions = try arguments.int("partitions", default: 6)
        let level = Logger.Level(rawValue: arguments.string("log-level", default: "warning")) ?? .warning
        let logger = {
            var logger = Logger(label: "careloop.bench")
            logger.logLevel = level
            return logger
        }()

        let cluster = try KafkaTestCluster.cluster()
        for topic in [Topic.cases, .workOrders, .surveys] {
            try cluster.createTopic(topic.rawValue, partitions: partitions)
            try cluster.createTopic(topic.deadLetter.rawValue, partitions: partitions)
        }
        let database = try await PostgresTestCluster.makeSchema(prefix: "bench_routing")
        // `--set key=value,…` overrides routing settings, e.g. `kafka.consumer.fetchWaitMaxMs=50`. The fetch wait is
        // the dev-broker profile's 10 ms (`make up` and the harness use it too): the mock cluster holds every fetch
        // for the whole wait, where Kafka answers as soon as records arrive.
        var overrides: [String: String] = [:]
        for pair in arguments.string("set", default: "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw BenchUsageError("--set takes key=value pairs separated by commas") }
            overrides[parts[0]] = parts[1]
        }
        let settings = SettingsLoader.inMemory(overrides.merging([
            "kafka.bootstrapServers": cluster.bootstrapServers, "kafka.statisticsIntervalMs": "0",
            "kafka.consumer.groupPrefix": "bench-\(UUID().uuidString.prefix(8))", "database.host": database.host,
            "database.port": String(database.port), "database.user": database.user, "database.name": database.database,
            "database.schema": database.schema, "admin.port": "0", "http.port": "0", "log.level": "warning",
            "kafka.consumer.fetchWaitMaxMs": "10",
        ]) { configured, _ in configured })
        print("kafka.consumer.fetchWaitMaxMs=\(overrides["kafka.consumer.fetchWaitMaxMs"] ?? "10")")
        let runtime = try RuntimeSettings(identity: .routing, settings: settings)

        var client = try KafkaTestCluster.clientConfiguration(clientID: "careloop-bench")
        client.statisticsInterval = nil
        let producer = try KafkaProducer(client: client, logger: logger)
        let routed = RoutedCollector()
        var observerConfiguration = KafkaTestCluster.consumerConfiguration(topics: [Topic.cases.rawValue], group: "bench-observer-\(UUID().uuidString.prefix(8))")
        observerConfiguration.maxBatch = 2000
        let observer = try KafkaConsumer(
            client: client, configuration: observerConfiguration, handler: routed, deadLetters: producer, isTransient: { _ in true }, logger: logger)

        let generator = RegisteredGenerator(projects: projects)
        try await withRunning([producer, observer]) {
            // 1. Drain a backlog.
            let backlog = (0..<drainCases).map { generator.make(index: $0) }
            for chunk in stride(from: 0, to: backlog.count, by: 1000) {
                for result in await producer.send(Array(backlog[chunk..<min(chunk + 1000, backlog.count)]).map(\.record)) { _ = try result.get() }
            }
            print("produced \(drainCases) registered events on \(partitions) partitions; starting routing")
            try await withThrowingTaskGroup(of: Void.self) { group in
                let stopped = Mutex<String?>(nil)
                group.addTask {
                    do {
                        try await ServiceRunner.run(RoutingServiceDefinition(), settings: runtime, registry: PrometheusCollectorRegistry(), logger: logger)
                        stopped.withLock { $0 = "routing stopped" }
                    } catch {
                        stopped.withLock { $0 = "routing failed: \(String(reflecting: error))" }
                    }
                }
                let drained = await eventually(timeout: .seconds(600)) { routed.count >= drainCases || stopped.withLock { $0 } != nil }
                if let problem = stopped.withLock({ $0 }) { throw BenchUsageError(problem) }
                guard drained else { throw BenchUsageError("only \(routed.count) of \(drainCases) routed within 10 minutes") }
                let (first, last) = routed.observedSpan
                let throughput = Double(drainCases - 1) / last.timeIntervalSince(first)
                print(String(format: "drain: %d cases routed in %.2f s (first to last routed on the topic): %.0f cases/s", drainCases, last.timeIntervalSince(first), throughput))

                // 2. A steady rate.
                routed.reset()
                var sent: [String: Int64] = [:]
                let total = rate * seconds
                let tick = 0.01
                let perTick = Double(rate) * tick
                var due = 0.0
                var index = drainCases
                let start = Date()
                while index < drainCases + total {
                    due += perTick
                    let count = min(Int(due), drainCases + total - index)
                    due -= Double(count)
                    let records = (0..<count).map { generator.make(index: index + $0) }
                    index += count
                    let now = Int64(Date().timeIntervalSince1970 * 1000)
                    for record in records { sent[record.caseID] = now }
                    if !records.isEmpty {
                        for result in await producer.send(records.map(\.record)) {
                            if case .failure(let error) = result {
                                FileHandle.standardError.write(Data("produce failed: \(error)\n".utf8))
                                throw error
                            }
                        }
                    }
                    let next = start.addingTimeInterval(Double(index - drainCases) / Double(rate))
                    let wait = next.timeIntervalSinceNow
                    if wait > 0 {
                        do {
                            try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
                        } catch {
                            FileHandle.standardError.write(Data("rate loop interrupted: \(error)\n".utf8))
                            throw error
                        }
                    }
                }
                let achieved = Double(total) / Date().timeIntervalSince(start)
                let caught = await eventually(timeout: .seconds(120)) { routed.count >= total }
                var latency = Histogram<UInt64>(highestTrackableValue: 600_000, numberOfSignificantValueDigits: .three)
                var observed = Histogram<UInt64>(highestTrackableValue: 600_000, numberOfSignificantValueDigits: .three)
                for (caseID, timing) in routed.timings {
                    guard let sentAt = sent[caseID] else { continue }
                    latency.record(UInt64(max(0, timing.createdMilliseconds - sentAt)))
                    observed.record(UInt64(max(0, timing.observedMilliseconds - sentAt)))
                }
                print("rate: \(total) cases at \(Int(achieved.rounded()))/s offered (\(routed.count) routed\(caught ? "" : ", INCOMPLETE"))")
                print("  registered → routed on the topic (producer timestamps): p50 \(latency.valueAtPercentile(50)) ms  p99 \(latency.valueAtPercentile(99)) ms  max \(latency.max) ms")
                print("  registered → routed seen by a consumer:                 p50 \(observed.valueAtPercentile(50)) ms  p99 \(observed.valueAtPercentile(99)) ms  max \(observed.max) ms")
                // The figures are printed. Stopping the in-process service against the in-process mock cluster can
                // stall in librdkafka's consumer close now and then; do not let that hold the bench (the throw-away
                // PostgreSQL goes with the process).
                DispatchQueue.global().asyncAfter(deadline: .now() + 30) {
                    FileHandle.standardError.write(Data("careloop-bench routing-throughput: shutdown stalled; exiting\n".utf8))
                    exit(0)
                }
                group.cancelAll()
            }
        }
        let incidents = try await PostgresTestCluster.withAdminConnection(to: database) { connection in
            try await connection.queryValue(
                "SELECT count(*) FROM \(unescaped: database.schema).group_incidents", as: Int.self, logger: logger) ?? 0
        }
        print("group incidents opened during the run: \(incidents)")
        try await PostgresTestCluster.dropSchema(database)
    }
}

/// Collects `careloop.case.routed` records: per case, the record's producer timestamp and when it was seen.
final class RoutedCollector: RecordBatchHandler {
    struct Timing {
        var createdMilliseconds: Int64
        var observedMilliseconds: Int64
        var observed: Date
    }

    private let state = Mutex<[String: Timing]>([:])

    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        let now = Date()
        let routed = records.filter { $0.header("ce_type") == EventType.caseRouted.rawValue }
        state.withLock { timings in
            for record in routed {
                guard let subject = record.header("ce_subject"), timings[subject] == nil else { continue }
                timings[subject] = Timing(
                    createdMilliseconds: record.timestampMilliseconds ?? Int64(now.timeIntervalSince1970 * 1000),
                    observedMilliseconds: Int64(now.timeIntervalSince1970 * 1000), observed: now)
            }
        }
        return []
    }

    var count: Int { state.withLock { $0.count } }
    var timings: [String: Timing] { state.withLock { $0 } }
    func reset() { state.withLock { $0 = [:] } }

    /// When the first and the last routed record were seen.
    var observedSpan: (Date, Date) {
        state.withLock { timings in
            let dates = timings.values.map(\.observed)
            return (dates.min() ?? Date(), dates.max() ?? Date())
        }
    }
}

/// Realistic `careloop.case.registered` events: Chinese and English reports of every category family, all kinds,
/// four cities, `projects` projects, a distinct owner each.
struct RegisteredGenerator {
    struct Event {
        var caseID: String
        var record: ProducerRecord
    }

    let projects: Int
    private static let reports: [(String, String, String)] = [
        ("卫生间漏水", "楼上卫生间渗水，天花板一直滴水", "complaint"),
        ("Kitchen tap leaking", "Water drips from under the sink since yesterday", "repair"),
        ("入户门变形", "木门开裂变形，关不上", "repair"),
        ("Cracks in the living room wall", "Long cracks appeared along the ceiling", "complaint"),
        ("小区保安态度差", "门岗保安对业主态度恶劣", "complaint"),
        ("Parking fees", "When does the parking fee change apply?", "inquiry"),
        ("办证进度", "房产证什么时候能办下来", "inquiry"),
        ("Window seal broken", "The aluminium window leaks air and rain", "repair"),
        ("绿化建议", "建议在小区增加儿童游乐设施", "suggestion"),
        ("Sales promise not kept", "The sales agent promised a clubhouse that was never built", "complaint"),
    ]
    private static let cities = [("shenzhen", "SZ"), ("wuhan", "WH"), ("beijing", "BJ"), ("shanghai", "SH")]

    func make(index: Int) -> Event {
        let caseID = UUIDv7.make().uuidString.lowercased()
        // Report, city and project vary independently (a multiplicative hash spreads the projects), so a project
        // sees every kind of report, as real traffic does, and five owners of one project rarely report the same
        // category: a group incident is the exception, not every case.
        let spread = (index &* 2_654_435_761) & 0x7FFF_FFFF
        let (title, description, kind) = Self.reports[index % Self.reports.count]
        let (city, prefix) = Self.cities[(spread / 7) % Self.cities.count]
        let now = Timestamp(Date())
        let data = CaseEventData(
            caseID: caseID, reference: "\(prefix)-2026-\(String(format: "%06d", index))",
            externalRef: ExternalReference(source: "crm://bench/hotline", id: "bench-\(index)"), status: .registered,
            kind: VoiceKind(rawValue: kind), category: "unclassified", severity: .ordinary, department: .customerService,
            property: PropertyAddress(city: city, project: "\(prefix)-P\(spread % projects)", building: "\(index % 30)", unit: "\(index % 2000)"),
            due: CaseDeadlines(acknowledgeBy: now, respondBy: now, resolveBy: now), occurredAt: now, ownerID: "OWN-\(index)",
            channel: .hotline, title: title, description: description, submittedAt: now)
        let event = try! CloudEvent.json(
            id: "\(caseID).registered", source: "careloop://intake", type: .caseRegistered, time: now, subject: caseID, payload: data)
        return Event(caseID: caseID, record: ProducerRecord(topic: Topic.cases.rawValue, key: Array(caseID.utf8), value: event.data, headers: event.kafkaHeaders()))
    }
}
