import Foundation
import Logging

/// `careloop-harness chaos`: runs fault scenarios, each on a fresh stack; fails when anything is lost or doubled or a
/// recovery takes longer than the limit.
package enum ChaosCommand: HarnessCommand {
    package static let name = "chaos"
    package static var usage: String {
        """
        chaos [--scenario NAME|all] [--rate 100] [--seed N] [--http-share 0.2] [--catalogue FILE] [--services a,b]
              [--recovery-limit 15s] [--reports DIR]
              scenarios: \(ChaosScenario.names.joined(separator: ", "))
        """
    }

    package static func run(_ options: CommandOptions, logger: Logger) async throws -> Int32 {
        try options.requireOnly(["scenario", "rate", "seed", "http-share", "catalogue", "services", "recovery-limit", "reports"])
        let name = options.string("scenario") ?? "all"
        let scenarios: [ChaosScenario]
        if name == "all" {
            scenarios = ChaosScenario.all
        } else {
            scenarios = try name.split(separator: ",").map { word in
                guard let scenario = ChaosScenario.named(String(word)) else {
                    throw UsageError("unknown scenario '\(word)'; scenarios: \(ChaosScenario.names.joined(separator: ", "))")
                }
                return scenario
            }
        }
        var settings = ScenarioSettings()
        settings.rate = try options.double("rate") ?? settings.rate
        settings.seed = UInt64(try options.int("seed") ?? Int(settings.seed))
        settings.httpShare = try options.share("http-share") ?? settings.httpShare
        settings.catalogue = try SharedOptions.catalogue(options)
        settings.services = try SharedOptions.services(options)
        settings.recoveryLimit = try options.duration("recovery-limit") ?? settings.recoveryLimit
        let folder = SharedOptions.reportsFolder(options, kind: "chaos")
        settings.reportsDirectory = folder
        var results: [ScenarioResult] = []
        for scenario in scenarios {
            guard !HarnessInterrupt.isRequested else { break }
            let result = await ScenarioRunner.run(scenario, settings: settings, logger: logger)
            print(ScenarioRunner.text(of: result))
            print("")
            results.append(result)
        }
        let summary = results.map(\.line).joined(separator: "\n")
        try ReportWriter.write(results, text: summary, to: folder, name: "chaos")
        print(summary)
        print("reports: \(folder.path)")
        let passed = !results.isEmpty && results.count == scenarios.count && results.allSatisfy(\.passed)
        return passed ? 0 : 1
    }
}
