import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Logging

/// `careloop-bench intake-topic`: `careloop-intake` (its own process) registering `careloop.voice.submitted` from the
/// dev broker into PostgreSQL (cases, owners, timeline, outbox, in one transaction per consumer batch).
///
/// 1. Drain: `--submissions` records are produced first, then intake starts; submissions/s from the first to the last
///    case committed, and until the outbox is published.
/// 2. Rate: `--rate` submissions/s for `--seconds`; latency from `submitted_at` (set when produced) to the commit.
enum IntakeTopicBench: BenchScenario {
    static let name = "intake-topic"
    static let summary = "careloop.voice.submitted → committed cases + outbox: drain submissions/s, latency at a set rate"

    static func run(arguments: BenchArguments) async throws {
        let submissions = try arguments.int("submissions", default: 60_000)
        let partitions = try arguments.int("partitions", default: 6)
        let rate = try arguments.int("rate", default: 1_000)
        let seconds = try arguments.int("seconds", default: 30)
        let maxBatch = try arguments.int("max-batch", default: 500)
        var logger = Logger(label: "careloop.bench")
        logger.logLevel = .warning
        let stack = try await IntakeBenchStack(
            label: "topic", partitions: partitions, intake: ["CARELOOP_KAFKA_CONSUMER_MAX_BATCH": String(maxBatch)], logger: logger)
        do {
            try await withRunning([stack.postgres, stack.producer]) {
                let produceStart = Date()
                for chunk in stride(from: 0, to: submissions, by: 5_000) {
                    let records = (chunk..<min(chunk + 5_000, submissions)).map { SubmissionBodies.record($0, source: "crm://bench/drain") }
                    for result in await stack.producer.send(records) { _ = try result.get() }
                }
                print(String(format: "produced %d submissions on %d partitions in %.1f s; starting careloop-intake (max batch %d)",
                    submissions, partitions, Date().timeIntervalSince(produceStart), maxBatch))
                let intake = try await stack.startIntake()
                defer { intake.kill9() }
                var first: Date?
                let started = Date()
                var done = false
                while Date().timeIntervalSince(started) < 600 {
                    let count = await stack.integer("SELECT count(*) FROM $schema.cases")
                    if first == nil, count > 0 { first = Date() }
                    if count >= submissions {
                        done = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                guard done, let first else { throw BenchUsageError("not every submission registered within 10 minutes:\n\(intake.logTail())") }
                let registered = Date()
                let firstToLast = await stack.integer(
                    "SELECT (extract(epoch FROM max(registered_at) - min(registered_at)) * 1000)::int8 FROM $schema.cases")
                while await stack.integer("SELECT count(*) FROM $schema.outbox WHERE sent_at IS NULL") > 0 {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let published = Date()
                print(String(format: "drain: %d submissions registered (committed with their outbox rows): %.0f/s over %.2f s (first to last commit); %.0f/s seen from the first case to all %d",
                    submissions, Double(submissions) / (Double(max(firstToLast, 1)) / 1000), Double(firstToLast) / 1000,
                    Double(submissions) / registered.timeIntervalSince(first), submissions))
                print(String(format: "       outbox published to careloop.cases.v1 %.2f s after the first case (%.0f/s end to end)",
                    published.timeIntervalSince(first), Double(submissions) / published.timeIntervalSince(first)))

                // 2. A steady rate.
                let total = rate * seconds
                let start = Date()
                var index = 0
                while index < total {
                    let due = min(total, Int(Date().timeIntervalSince(start) * Double(rate)) + 1)
                    if due > index {
                        let records = (index..<due).map { SubmissionBodies.record(submissions + $0, source: "crm://bench/rate") }
                        index = due
                        for result in await stack.producer.send(records) { _ = try result.get() }
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                let offered = Double(total) / Date().timeIntervalSince(start)
                let caught = await eventually(timeout: .seconds(120)) {
                    await stack.integer("SELECT count(*) FROM $schema.cases WHERE source = 'crm://bench/rate'") >= total
                }
                let latency = await stack.percentiles(
                    "extract(epoch FROM registered_at - submitted_at) * 1000", from: "$schema.cases WHERE source = 'crm://bench/rate'")
                print(String(format: "rate: %d submissions at %.0f/s offered%@; produced → committed: p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  max %.0f ms",
                    total, offered, caught ? "" : " (INCOMPLETE)", latency[0], latency[1], latency[2], latency[3]))
                let doubles = await stack.integer(
                    "SELECT count(*) - count(DISTINCT (source, external_id, submission_item)) FROM $schema.cases")
                print("check: \(await stack.integer("SELECT count(*) FROM $schema.cases")) cases, \(doubles) doubled, \(await stack.integer("SELECT count(*) FROM $schema.outbox")) outbox rows")
                await intake.terminate()
            }
        } catch {
            await stack.tearDown()
            throw error
        }
        await stack.tearDown()
    }
}
