import CareLoopTestSupport
import Foundation
import Histogram
import Logging
import NIOHTTP1
import Synchronization

/// `careloop-bench intake-http`: `POST /v1/cases` against `careloop-intake` (its own process) on loopback, each request
/// with a fresh `Idempotency-Key`, registered in PostgreSQL with its outbox row before the answer.
///
/// 1. Throughput: `--connections` keep-alive connections send back to back for `--seconds`; POST/s and latency.
/// 2. Rate: an open-loop schedule of `--rate` POST/s for `--rate-seconds` over up to `--connections` connections;
///    latency counted from each request's scheduled time (a slow answer delays no later measurement).
enum IntakeHTTPBench: BenchScenario {
    static let name = "intake-http"
    static let summary = "POST /v1/cases over loopback: POST/s with N connections, p50/p99 at a set open-loop rate"

    static func run(arguments: BenchArguments) async throws {
        let connections = try arguments.int("connections", default: 32)
        let seconds = try arguments.int("seconds", default: 30)
        let rate = try arguments.int("rate", default: 400)
        let rateSeconds = try arguments.int("rate-seconds", default: 30)
        let warmup = try arguments.int("warmup-seconds", default: 5)
        var logger = Logger(label: "careloop.bench")
        logger.logLevel = .warning
        let stack = try await IntakeBenchStack(
            label: "http", partitions: 6, intake: ["CARELOOP_HTTP_RATE_LIMIT_PER_SECOND": "1000000"], logger: logger)
        do {
            try await withRunning([stack.postgres, stack.producer]) {
                let intake = try await stack.startIntake()
                defer { intake.kill9() }
                let key = try await stack.createAPIKey(scopes: "write", rate: 1_000_000)
                let counter = Counter()
                let request: @Sendable (Int) -> HTTPLoadConnection.Request = { index in
                    HTTPLoadConnection.Request(
                        method: .POST, path: "/v1/cases",
                        headers: [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json"), ("Idempotency-Key", "bench-\(index)")],
                        body: SubmissionBodies.single(index))
                }
                // 1. Closed loop, back to back, after a warm-up.
                let throughput = try await closedLoop(
                    port: stack.httpPort, connections: connections, warmup: .seconds(warmup), measure: .seconds(seconds), counter: counter,
                    request: request)
                print(String(format: "throughput: %d connections, %d s: %.0f POST/s (%d answered 201, %d other)  p50 %.1f ms  p99 %.1f ms  max %.1f ms",
                    connections, seconds, Double(throughput.created) / Double(seconds), throughput.created, throughput.other,
                    throughput.latency.p50, throughput.latency.p99, throughput.latency.max))
                // 2. Open loop at a fixed rate.
                let scheduled = try await openLoop(
                    port: stack.httpPort, connections: connections, rate: rate, duration: .seconds(rateSeconds), counter: counter, request: request)
                print(String(format: "rate: %d POST/s offered for %d s (%d answered 201, %d other): p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms",
                    rate, rateSeconds, scheduled.created, scheduled.other, scheduled.latency.p50, scheduled.latency.p90, scheduled.latency.p99,
                    scheduled.latency.max))
                let cases = await stack.integer("SELECT count(*) FROM $schema.cases")
                let outbox = await stack.integer("SELECT count(*) FROM $schema.outbox")
                print("check: \(cases) cases, \(outbox) outbox rows, \(counter.value) requests sent")
                await intake.terminate()
            }
        } catch {
            await stack.tearDown()
            throw error
        }
        await stack.tearDown()
    }

    struct Outcome {
        var created = 0
        var other = 0
        var latency = Latency()
    }

    /// Latency percentiles in milliseconds.
    struct Latency {
        var p50 = 0.0
        var p90 = 0.0
        var p99 = 0.0
        var max = 0.0

        init() {}

        init(_ histogram: Histogram<UInt64>) {
            p50 = Double(histogram.valueAtPercentile(50)) / 1000
            p90 = Double(histogram.valueAtPercentile(90)) / 1000
            p99 = Double(histogram.valueAtPercentile(99)) / 1000
            max = Double(histogram.max) / 1000
        }
    }

    /// Hands out request numbers.
    final class Counter: Sendable {
        private let next = Mutex(0)
        func take() -> Int { next.withLock { value in defer { value += 1 }; return value } }
        var value: Int { next.withLock { $0 } }
    }

    /// Results of several workers, merged.
    final class Results: Sendable {
        private let state = Mutex<(created: Int, other: Int, micros: [UInt64])>((0, 0, []))
        func add(status: Int, micros: UInt64) {
            state.withLock {
                if status == 201 { $0.created += 1 } else { $0.other += 1 }
                $0.micros.append(micros)
            }
        }
        var outcome: Outcome {
            state.withLock { state in
                var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
                for value in state.micros { histogram.record(value) }
                return Outcome(created: state.created, other: state.other, latency: Latency(histogram))
            }
        }
    }

    static func closedLoop(
        port: Int, connections: Int, warmup: Duration, measure: Duration, counter: Counter,
        request: @escaping @Sendable (Int) -> HTTPLoadConnection.Request
    ) async throws -> Outcome {
        let results = Results()
        let start = ContinuousClock.now
        let measuring = start + warmup
        let end = measuring + measure
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try await HTTPLoadConnection.with(host: "127.0.0.1", port: port) { send in
                        while ContinuousClock.now < end {
                            let sent = ContinuousClock.now
                            let status = try await send(request(counter.take()))
                            let done = ContinuousClock.now
                            if sent >= measuring, done <= end { results.add(status: status, micros: UInt64((done - sent) / .microseconds(1))) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return results.outcome
    }

    static func openLoop(
        port: Int, connections: Int, rate: Int, duration: Duration, counter: Counter,
        request: @escaping @Sendable (Int) -> HTTPLoadConnection.Request
    ) async throws -> Outcome {
        let results = Results()
        let total = Int(Double(rate) * Double(duration.components.seconds))
        let interval = Duration.seconds(1) / rate
        let start = ContinuousClock.now + .milliseconds(100)
        let slots = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try await HTTPLoadConnection.with(host: "127.0.0.1", port: port) { send in
                        while true {
                            // Take the next scheduled slot; wait for its time; latency counts from the slot's time.
                            let slot = slots.take()
                            guard slot < total else { return }
                            let due = start + interval * slot
                            if due > ContinuousClock.now { try await Task.sleep(until: due, clock: .continuous) }
                            let status = try await send(request(counter.take()))
                            results.add(status: status, micros: UInt64(max(.zero, ContinuousClock.now - due) / .microseconds(1)))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return results.outcome
    }
}
