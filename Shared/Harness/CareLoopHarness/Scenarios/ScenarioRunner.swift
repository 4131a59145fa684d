import CareLoopContracts
import Foundation
import Logging
import Synchronization

/// Runs chaos scenarios: a fresh stack each, steady load, the scenario's faults in turn, drain, verification, and a
/// report (JSON, text and the manifest) in the scenario's folder. Every step is bounded; the stack is stopped and its
/// folder removed whatever happens.
package enum ScenarioRunner {
    /// Runs `scenario`; never throws: a scenario that cannot finish reports why.
    package static func run(_ scenario: ChaosScenario, settings: ScenarioSettings, logger: Logger) async -> ScenarioResult {
        let start = ContinuousClock.now
        let temporary = settings.reportsDirectory == nil
        let folder = (settings.reportsDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("careloop-harness-\(UUID().uuidString.prefix(8))"))
            .appendingPathComponent(scenario.name)
        var stackConfiguration = StackConfiguration()
        stackConfiguration.services = settings.services
        stackConfiguration.routingReplicas = scenario.routingReplicas
        stackConfiguration.serviceEnvironment = settings.serviceEnvironment
        if !scenario.needsOwnCluster, let existing = settings.existingDatabase { stackConfiguration.database = existing }
        logger.notice("Scenario starting", metadata: ["scenario": "\(scenario.name)", "summary": "\(scenario.summary)"])
        var result: ScenarioResult
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            result = try await HarnessStack.with(stackConfiguration, label: scenario.name, logger: logger, keepLogsIn: folder.appendingPathComponent("logs")) { stack in
                let result = try await StackSession.with(stack, useHTTP: settings.httpShare > 0, logger: logger) { session in
                    try await run(scenario, settings: settings, session: session, folder: folder)
                }
                if !result.passed { stack.copyLogs(to: folder.appendingPathComponent("logs")) }
                return result
            }
        } catch {
            result = ScenarioResult(
                scenario: scenario.name, summary: scenario.summary, load: nil, faults: [], report: nil, drainSeconds: nil,
                recoveryLimitSeconds: settings.recoveryLimit.timeInterval, error: String(describing: error), seconds: 0)
        }
        result.seconds = (ContinuousClock.now - start).timeInterval
        if temporary {
            try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
        } else {
            _ = try? ReportWriter.write(result, text: text(of: result), to: folder, name: "report")
        }
        logger.notice("Scenario finished", metadata: ["scenario": "\(scenario.name)", "passed": "\(result.passed)", "seconds": "\(Int(result.seconds))"])
        return result
    }

    /// The human report of one scenario.
    package static func text(of result: ScenarioResult) -> String {
        var lines = ["scenario      \(result.scenario): \(result.summary)"]
        if let load = result.load {
            lines.append(String(format: "load          %d submissions in %.1f s (%.0f/s)", load.generated, load.seconds, load.offeredRate))
        }
        for fault in result.faults {
            lines.append(String(format: "fault         %@: in effect %.1f s", fault.name, fault.clearedAt.timeIntervalSince(fault.injectedAt)))
        }
        lines.append(result.drainSeconds.map { String(format: "drained       %.1f s after the load", $0) } ?? "drained       NOT within the limit")
        for restart in result.supervisorRestarts { lines.append("supervisor    \(restart)") }
        if let report = result.report { lines.append(report.text) }
        if let error = result.error { lines.append("error         \(error)") }
        lines.append(result.line)
        return lines.joined(separator: "\n")
    }

    private static func run(_ scenario: ChaosScenario, settings: ScenarioSettings, session: StackSession, folder: URL) async throws -> ScenarioResult {
        let runID = "\(scenario.name)-\(UUID().uuidString.prefix(6).lowercased())"
        var generatorConfiguration = GeneratorConfiguration(runID: runID, seed: settings.seed)
        generatorConfiguration.httpShare = session.hasHTTP ? settings.httpShare : 0
        let generator = SubmissionGenerator(configuration: generatorConfiguration, catalogue: settings.catalogue)
        let poisonConfiguration = GeneratorConfiguration(runID: runID + "-poison", seed: settings.seed + 1)
        let catalogue = settings.catalogue
        let faults = scenario.faults.filter { fault in fault.service.map(settings.services.contains) ?? true }
        let windows = Mutex<[FaultWindow]>([])
        let logger = session.logger
        let (summary, manifest) = try await session.runLoad(
            LoadConfiguration(pace: .rate(settings.rate), duration: settings.maxLoad), generator: generator,
            manifestURL: folder.appendingPathComponent("manifest.jsonl")
        ) { progress, manifestWriter in
            let context = FaultContext(stack: session.stack) {
                var poison = SubmissionGenerator(configuration: poisonConfiguration, catalogue: catalogue)
                _ = try await session.sendPoison(generator: &poison, manifest: manifestWriter)
            }
            try await Task.sleep(for: settings.lead)
            for (index, fault) in faults.enumerated() {
                try HarnessInterrupt.check()
                if index > 0 { try await Task.sleep(for: scenario.spacing) }
                logger.notice("Injecting fault", metadata: ["fault": "\(fault.name)", "sent": "\(progress.generated)"])
                let window = try await fault.apply(context)
                windows.withLock { $0.append(window) }
                logger.notice("Fault cleared", metadata: ["fault": "\(fault.name)"])
            }
            try await Task.sleep(for: settings.tail)
            progress.requestStop()
        }
        try HarnessInterrupt.check()
        let drained = await session.drain(expected: Verifier.expectedCases(manifest), timeout: settings.drainTimeout)
        let faultWindows = windows.withLock { $0 }
        let report = try await session.verifier.verify(manifest: manifest, faults: faultWindows, drain: drained)
        var result = ScenarioResult(
            scenario: scenario.name, summary: scenario.summary, load: summary, faults: faultWindows, report: report,
            drainSeconds: drained.duration?.timeInterval, recoveryLimitSeconds: settings.recoveryLimit.timeInterval, error: nil, seconds: 0)
        result.supervisorRestarts = session.stack.supervisorRestarts
        return result
    }
}
