// careloop-bench: CareLoop's benchmark scenarios. Each prints its figures; see BENCHMARKS.md.
import Foundation

/// Every scenario; add new ones here.
let scenarios: [any BenchScenario.Type] = [
    RoutingTimersBench.self,
    RoutingThroughputBench.self,
    RoutingDecisionBench.self,
    DispatchWaveBench.self,
    DispatchAssignmentBench.self,
    IntakeTopicBench.self,
    IntakeHTTPBench.self,
]

let words = Array(CommandLine.arguments.dropFirst())
guard let name = words.first, name != "--help", let scenario = scenarios.first(where: { $0.name == name }) else {
    var usage = "usage: careloop-bench <scenario> [--option value ...]\n\nscenarios:\n"
    for scenario in scenarios { usage += "  \(scenario.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(scenario.summary)\n" }
    FileHandle.standardError.write(Data(usage.utf8))
    exit(words.first == "--help" ? 0 : 64)
}
do {
    try await scenario.run(arguments: try BenchArguments(Array(words.dropFirst())))
} catch let error as BenchUsageError {
    FileHandle.standardError.write(Data("careloop-bench \(name): \(error)\n".utf8))
    exit(64)
} catch {
    FileHandle.standardError.write(Data("careloop-bench \(name): failed: \(error)\n".utf8))
    exit(1)
}
