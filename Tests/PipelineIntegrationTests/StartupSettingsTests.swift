import CareLoopTestSupport
import Foundation
import Testing

@Suite("Start-up with an unusable setting", .timeLimit(.minutes(2)))
struct StartupSettingsTests {
    @Test("a bad service-specific setting stops start-up at once with one line naming it, before the database is reached")
    func badRulesFile() async throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-startup-\(UUID().uuidString.prefix(6))")
        defer { try? FileManager.default.removeItem(at: logs) }
        let process = try ServiceProcess(
            "careloop-routing",
            environment: [
                "CARELOOP_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
                "CARELOOP_DATABASE_PORT": "1",  // nothing listens: must not matter
                "CARELOOP_ROUTING_RULES_FILE": "/nonexistent/classification.json",
                "CARELOOP_ADMIN_PORT": String(try freeLoopbackPort()),
            ],
            logDirectory: logs)
        let stopped = await eventually(timeout: .seconds(40)) { !process.isRunning }  // generous: a loaded CI machine
        #expect(stopped, "routing kept running: \(process.logTail())")
        let status = await process.terminate()
        #expect(status == 78, "exit status \(status): \(process.logTail())")
        // The producer may already have logged that no broker answers; the setting error is one line of its own.
        let settingLines = process.logTail().split(separator: "\n").filter { $0.hasPrefix("careloop-routing: invalid setting") }
        #expect(settingLines.count == 1, "\(process.logTail())")
        #expect(settingLines.first?.contains("routing.rulesFile (CARELOOP_ROUTING_RULES_FILE)") == true)
        #expect(!process.logTail().contains("PSQLError"), "start-up must stop before it reaches the database")
    }
}
