import Foundation
import Logging

/// `careloop-harness bench`: throughput (as fast as possible) and latency (steady rate) of the whole pipeline on
/// this machine, optionally a memory soak; writes `bench.json` and `bench.txt`.
package enum BenchCommand: HarnessCommand {
    package static let name = "bench"
    package static let usage = """
        bench [--count 30000] [--rate 300] [--duration 60s] [--soak 10m] [--only throughput|latency|soak] [--seed N]
              [--http-share 0] [--catalogue FILE] [--services a,b] [--partitions 6] [--set CARELOOP_KEY=value,…] [--reports DIR]
        """

    package static func run(_ options: CommandOptions, logger: Logger) async throws -> Int32 {
        try options.requireOnly(["count", "rate", "duration", "soak", "only", "seed", "http-share", "catalogue", "services", "partitions", "set", "reports"])
        var settings = BenchSettings(reportsDirectory: SharedOptions.reportsFolder(options, kind: "bench"))
        settings.throughputCount = try options.int("count") ?? settings.throughputCount
        settings.latencyRate = try options.double("rate") ?? settings.latencyRate
        settings.latencyDuration = try options.duration("duration") ?? settings.latencyDuration
        settings.soakDuration = try options.duration("soak")
        settings.seed = UInt64(try options.int("seed") ?? Int(settings.seed))
        settings.httpShare = try options.share("http-share") ?? settings.httpShare
        settings.catalogue = try SharedOptions.catalogue(options)
        settings.services = try SharedOptions.services(options)
        if let partitions = try options.int("partitions") {
            guard (1...64).contains(partitions) else { throw UsageError("--partitions must be 1–64, got \(partitions)") }
            settings.partitions = partitions
        }
        settings.serviceEnvironment = try SharedOptions.settingOverrides(options, services: settings.services)
        switch options.string("only") {
        case nil: break
        case "throughput": settings.latency = false
        case "latency": settings.throughput = false
        case "soak":
            settings.throughput = false
            settings.latency = false
            settings.soakDuration = settings.soakDuration ?? .seconds(600)
        case let other?: throw UsageError("--only must be throughput, latency or soak, got '\(other)'")
        }
        let report = try await BenchRunner.run(settings, logger: logger)
        print(report.text)
        print("report: \(settings.reportsDirectory.appendingPathComponent("bench.json").path)")
        return report.passed ? 0 : 1
    }
}
