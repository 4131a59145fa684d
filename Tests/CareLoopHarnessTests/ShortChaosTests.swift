import CareLoopHarness
import CareLoopTestSupport
import Foundation
import Logging
import Testing

/// The short version of `make chaos`, part of `make test`: intake, routing and the dev broker as real processes
/// (debug binaries), about 300 submissions (a fifth over `POST /v1/cases`), intake killed with SIGKILL in the
/// middle and restarted; the verifier must find nothing lost, nothing doubled and a recovery within 15 s.
@Suite("Short chaos: kill -9 of intake during a small run", .serialized, .timeLimit(.minutes(4)))
struct ShortChaosTests {
    @Test("~300 submissions, intake killed and restarted: 0 lost, 0 doubled, recovered in time")
    func killIntake() async throws {
        let endpoint = try PostgresTestCluster.endpoint()
        var settings = ScenarioSettings()
        settings.rate = 20
        settings.lead = .seconds(4)
        settings.tail = .seconds(6)
        settings.maxLoad = .seconds(60)
        settings.drainTimeout = .seconds(60)
        settings.services = [.intake, .routing]
        settings.existingDatabase = .existing(host: endpoint.host, port: endpoint.port, database: endpoint.database)
        let root = ServiceProcess.repositoryRoot
        settings.catalogue = try PropertyCatalogue.resolve(path: nil, root: root)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-short-chaos-\(UUID().uuidString.prefix(8))")
        settings.reportsDirectory = folder
        var logger = Logger(label: "careloop.harness.test")
        logger.logLevel = ProcessInfo.processInfo.environment["CARELOOP_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning

        let result = await ScenarioRunner.run(.kill(.intake), settings: settings, logger: logger)
        let text = ScenarioRunner.text(of: result)
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("kill-intake/logs").path)) ?? []

        #expect(result.error == nil, "\(text)\nlogs kept in \(folder.path)/kill-intake/logs: \(logs)")
        let report = try #require(result.report, "\(text)")
        #expect((200...1_200).contains(report.submissions.total), "a small run: \(report.submissions.total) submissions\n\(text)")
        #expect(report.lost.count == 0, "\(text)")
        #expect(report.doubled.count == 0, "\(text)")
        #expect(report.contractViolations.count == 0, "\(text)")
        #expect(report.cases.expected > 200 && report.cases.registered == report.cases.expected && report.cases.routed == report.cases.expected, "\(text)")
        #expect(report.cases.registeredInDatabase == report.cases.expected && report.cases.routedInDatabase == report.cases.expected, "\(text)")
        #expect(report.duplicates.suppressed == report.duplicates.sent, "\(text)")
        #expect(result.faults.count == 1 && result.faults[0].name == "kill -9 intake")
        let recovery = try #require(result.recoverySeconds.first ?? nil, "no case routed after the restart\n\(text)")
        #expect(recovery <= 15, "recovery \(recovery) s\n\(text)")
        #expect(result.passed, "\(text)")
        #expect(result.supervisorRestarts.isEmpty, "the supervisor leaves a process the scenario killed to the scenario")
        if result.passed { try? FileManager.default.removeItem(at: folder) }
    }

    @Test("the stack's supervisor starts a service that exited by itself again, on the same ports")
    func supervisorRestartsAnExitedService() async throws {
        let endpoint = try PostgresTestCluster.endpoint()
        var configuration = StackConfiguration()
        configuration.services = [.notification]
        configuration.database = .existing(host: endpoint.host, port: endpoint.port, database: endpoint.database)
        let logger = Logger(label: "careloop.harness.test")
        try await HarnessStack.with(configuration, label: "supervisor", logger: logger) { stack in
            let slot = HarnessStack.Slot(.notification)
            let first = try #require(stack.instance(slot))
            // The process ends on its own (SIGTERM from outside the harness: a graceful exit, status 0).
            await first.process.terminate()
            #expect(await eventually(timeout: .seconds(30)) { stack.instance(slot)?.process.pid != first.process.pid })
            let second = try #require(stack.instance(slot))
            #expect(second.adminPort == first.adminPort)
            try await stack.waitUntilReady([slot], timeout: .seconds(60))
            #expect(stack.supervisorRestarts.count == 1 && stack.supervisorRestarts[0].contains("notification exited by itself (status 0)"))
        }
    }
}
