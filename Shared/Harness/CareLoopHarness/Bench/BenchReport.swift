import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The figures of a benchmark run: the machine, and per phase the load, the verification, CPU per process (cores) and
/// resident memory per process.
package struct BenchReport: Sendable, Codable {
    package struct Machine: Sendable, Codable {
        package var cores: Int
        package var memoryBytes: UInt64
        package var kernel: String
        package var binaries: String
        package var date: Date
        /// The librdkafka hosting the dev broker's mock cluster (`GET /cluster`), e.g. with CareLoop's mock patch.
        package var devBroker: String?

        /// This machine, with the service binaries in `binaries`.
        package static func current(binaries: String) -> Machine {
            var name = utsname()
            uname(&name)
            let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            return Machine(
                cores: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
                kernel: "Linux \(release)", binaries: binaries, date: Date())
        }
    }

    /// Resident memory of one process over a phase, in MiB.
    package struct Memory: Sendable, Codable, Hashable {
        package var start: Double
        package var end: Double
        package var max: Double
        /// Least-squares slope over the samples after the first fifth of the phase, MiB per minute.
        package var growthPerMinute: Double
    }

    package struct Phase: Sendable, Codable {
        package var name: String
        package var load: LoadSummary
        package var drainSeconds: Double?
        package var verification: VerificationReport
        /// CPU per process over load and drain, in cores.
        package var cpuCores: [String: Double]
        package var memory: [String: Memory]
        /// Every sample (kept for the soak).
        package var samples: [ResourceSampler.Sample]?
        /// Where PostgreSQL spent its time during the phase.
        package var statements: StatementProfile?
        /// The services' consumer and outbox batches during the phase.
        package var metrics: PipelineMetrics?
    }

    package var machine: Machine
    /// Settings given to every service on top of the harness's own (`--set`), when any.
    package var settingOverrides: [String: String]?
    package var phases: [Phase] = []
    package var targetThroughput: Double
    package var targetP99Milliseconds: Double

    /// Nothing lost or doubled in any phase.
    package var passed: Bool { phases.allSatisfy { $0.verification.passed } }

    /// Memory per process from samples.
    package static func memory(from samples: [ResourceSampler.Sample]) -> [String: Memory] {
        guard let first = samples.first, let last = samples.last else { return [:] }
        let mebibyte = 1024.0 * 1024.0
        var result: [String: Memory] = [:]
        for label in Set(samples.flatMap { $0.processes.keys }) {
            let series = samples.compactMap { sample in sample.processes[label].map { (sample.at, Double($0.residentBytes) / mebibyte) } }
            guard let start = first.processes[label], let end = last.processes[label] else { continue }
            let settled = Array(series.dropFirst(series.count / 5))
            result[label] = Memory(
                start: Double(start.residentBytes) / mebibyte, end: Double(end.residentBytes) / mebibyte,
                max: series.map(\.1).max() ?? 0, growthPerMinute: slopePerMinute(settled))
        }
        return result
    }

    /// Least-squares slope of `(time, value)` pairs, per minute.
    static func slopePerMinute(_ series: [(Date, Double)]) -> Double {
        guard series.count >= 2, let origin = series.first?.0 else { return 0 }
        let xs = series.map { $0.0.timeIntervalSince(origin) / 60 }
        let ys = series.map(\.1)
        let meanX = xs.reduce(0, +) / Double(xs.count)
        let meanY = ys.reduce(0, +) / Double(ys.count)
        let covariance = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
        let variance = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        return variance > 0 ? covariance / variance : 0
    }
}

extension BenchReport {
    /// The report for people.
    package var text: String {
        let gib = Double(machine.memoryBytes) / 1_073_741_824
        var lines = [
            String(format: "CareLoop benchmark, %@: %d cores, %.0f GiB, %@; binaries %@", ISO8601DateFormatter().string(from: machine.date), machine.cores, gib, machine.kernel, machine.binaries)
        ]
        if let devBroker = machine.devBroker {
            lines.append("dev broker    " + devBroker)
        }
        if let overrides = settingOverrides, !overrides.isEmpty {
            lines.append("settings      " + overrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        for phase in phases {
            lines.append("")
            lines.append(String(format: "== %@: %d submissions in %.1f s (%.0f/s offered), drained %@", phase.name, phase.load.generated, phase.load.seconds, phase.load.offeredRate, phase.drainSeconds.map { String(format: "%.1f s after", $0) } ?? "NOT within the limit"))
            let v = phase.verification
            if let throughput = v.throughput {
                let verdict = throughput.steadyCasesPerSecond >= targetThroughput ? "met" : "MISSED"
                lines.append(String(format: "throughput    %.0f cases/s submission → routed overall, %.0f cases/s steady (target ≥ %.0f: %@)", throughput.casesPerSecond, throughput.steadyCasesPerSecond, targetThroughput, verdict))
            }
            for hop in ["submission_to_routed", "submission_to_routed_published", "submission_to_registered", "registered_to_routed"] {
                guard let summary = v.latency[hop] else { continue }
                lines.append(String(format: "%@ p50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms (n=%d)", hop.padding(toLength: 32, withPad: " ", startingAt: 0), summary.p50, summary.p95, summary.p99, summary.max, summary.count))
            }
            if phase.name != "throughput", let summary = v.latency["submission_to_routed"] {
                lines.append(String(format: "p99 target    < %.0f ms: %@", targetP99Milliseconds, summary.p99 < targetP99Milliseconds ? "met" : "MISSED"))
            }
            lines.append("CPU (cores)   " + phase.cpuCores.sorted { $0.value > $1.value }.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", "))
            lines.append("RSS (MiB)     " + phase.memory.sorted { $0.key < $1.key }.map { String(format: "%@ %.0f→%.0f (max %.0f, %+.1f/min)", $0.key, $0.value.start, $0.value.end, $0.value.max, $0.value.growthPerMinute) }.joined(separator: ", "))
            if let metrics = phase.metrics { lines.append(metrics.text) }
            if let statements = phase.statements { lines.append(statements.text) }
            lines.append("verification  \(v.cases.expected) cases expected, \(v.cases.routed) routed, lost \(v.lost.count), doubled \(v.doubled.count), contract \(v.contractViolations.count), dead letters \(v.deadLetters.total)")
        }
        lines.append("")
        lines.append(passed ? "RESULT        nothing lost, nothing doubled" : "RESULT        FAILED: something was lost or doubled")
        return lines.joined(separator: "\n")
    }
}
