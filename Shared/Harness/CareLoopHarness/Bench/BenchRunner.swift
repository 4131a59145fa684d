import CareLoopContracts
import CareLoopDevBroker
import CareLoopTestSupport
import Foundation
import Logging

/// `careloop-harness bench`: one stack with every service on this machine; a warm-up, then the throughput phase (as
/// fast as possible), the latency phase (a steady rate) and, when asked, the soak (the same rate for long, memory
/// over time). Each phase is verified (nothing lost or doubled) and measured (CPU and RSS per process).
package enum BenchRunner {
    /// Runs the benchmark and writes `bench.json` / `bench.txt` (and each phase's manifest) into the reports folder.
    package static func run(_ settings: BenchSettings, logger: Logger) async throws -> BenchReport {
        var configuration = StackConfiguration()
        configuration.services = settings.services
        configuration.serviceEnvironment = settings.serviceEnvironment
        configuration.statementStatistics = true
        configuration.partitions = settings.partitions ?? configuration.partitions
        let folder = settings.reportsDirectory
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var report = BenchReport(
            machine: .current(binaries: ServiceProcess.binDirectory.path), targetThroughput: settings.targetThroughput,
            targetP99Milliseconds: settings.targetP99Milliseconds)
        report.settingOverrides = settings.serviceEnvironment.values.first.flatMap { $0.isEmpty ? nil : $0 }
        report = try await HarnessStack.with(configuration, label: "bench", logger: logger, keepLogsIn: folder.appendingPathComponent("logs")) { stack in
            try await StackSession.with(stack, useHTTP: settings.httpShare > 0, logger: logger) { session in
                var report = report
                report.machine.devBroker = await stack.broker.library()?.summary
                let sampler = ResourceSampler(stack: stack)
                let runID = "bench-\(UUID().uuidString.prefix(6).lowercased())"
                logger.notice("Warming up", metadata: ["submissions": "\(settings.warmUp)"])
                let warmUp = LoadConfiguration(pace: .rate(100), count: settings.warmUp)
                _ = try await phase("warm-up", warmUp, runID: runID, seedOffset: 0, settings: settings, session: session, sampler: sampler)
                if settings.throughput {
                    var load = LoadConfiguration(pace: .asFastAsPossible, count: settings.throughputCount)
                    load.maxInFlight = 10_000
                    report.phases.append(try await phase("throughput", load, runID: runID, seedOffset: 1, settings: settings, session: session, sampler: sampler))
                    try ReportWriter.write(report, text: report.text, to: folder, name: "bench")
                }
                if settings.latency {
                    let load = LoadConfiguration(pace: .rate(settings.latencyRate), duration: settings.latencyDuration)
                    report.phases.append(try await phase("latency", load, runID: runID, seedOffset: 2, settings: settings, session: session, sampler: sampler))
                    try ReportWriter.write(report, text: report.text, to: folder, name: "bench")
                }
                if let soak = settings.soakDuration {
                    let load = LoadConfiguration(pace: .rate(settings.latencyRate), duration: soak)
                    report.phases.append(
                        try await phase("soak", load, runID: runID, seedOffset: 3, settings: settings, session: session, sampler: sampler, keepSamples: true))
                }
                if !report.passed { stack.copyLogs(to: folder.appendingPathComponent("logs")) }
                return report
            }
        }
        try ReportWriter.write(report, text: report.text, to: folder, name: "bench")
        return report
    }

    /// One measured phase: load, drain, verify; CPU and RSS sampled throughout.
    private static func phase(
        _ name: String, _ load: LoadConfiguration, runID: String, seedOffset: UInt64, settings: BenchSettings, session: StackSession,
        sampler: ResourceSampler, keepSamples: Bool = false
    ) async throws -> BenchReport.Phase {
        try HarnessInterrupt.check()
        var generatorConfiguration = GeneratorConfiguration(runID: "\(runID)-\(name)", seed: settings.seed + seedOffset)
        generatorConfiguration.httpShare = session.hasHTTP ? settings.httpShare : 0
        let generator = SubmissionGenerator(configuration: generatorConfiguration, catalogue: settings.catalogue)
        let baseline = await session.registeredCount()
        await StatementProfile.reset(session.stack.postgres.target, logger: session.logger)
        let metricsBefore = await PipelineMetrics.scrape(session.stack)
        session.logger.notice("Phase starting", metadata: ["phase": "\(name)"])
        let manifestURL = settings.reportsDirectory.appendingPathComponent("\(name)-manifest.jsonl")
        let ((summary, manifest, drained), samples) = try await sampler.recording(every: settings.sampleInterval) {
            let (summary, manifest) = try await session.runLoad(load, generator: generator, manifestURL: manifestURL)
            let drained = await session.drain(expected: Verifier.expectedCases(manifest), baseline: baseline, timeout: settings.drainTimeout)
            return (summary, manifest, drained)
        }
        let statements = await StatementProfile.read(session.stack.postgres.target, logger: session.logger)
        let metrics = PipelineMetrics(from: metricsBefore, to: await PipelineMetrics.scrape(session.stack))
        let verification = try await session.verifier.verify(manifest: manifest, drain: drained)
        session.logger.notice(
            "Phase finished",
            metadata: ["phase": "\(name)", "lost": "\(verification.lost.count)", "doubled": "\(verification.doubled.count)"])
        guard let first = samples.first, let last = samples.last else { throw HarnessError("no resource samples") }
        return BenchReport.Phase(
            name: name, load: summary, drainSeconds: drained.duration?.timeInterval, verification: verification,
            cpuCores: ResourceSampler.cpuCores(from: first, to: last), memory: BenchReport.memory(from: samples),
            samples: keepSamples ? samples : nil, statements: statements, metrics: metrics)
    }
}
