import Foundation

/// What `careloop-harness bench` measures and how long.
package struct BenchSettings: Sendable {
    /// Submissions sent as fast as possible in the throughput phase.
    package var throughputCount = 30_000
    /// Submissions sent (and routed) before measuring, so consumer groups have joined.
    package var warmUp = 300
    /// Rate of the latency phase.
    package var latencyRate = 300.0
    /// Length of the latency phase.
    package var latencyDuration: Duration = .seconds(60)
    /// Length of the soak phase at ``latencyRate`` (memory over time); `nil`: no soak.
    package var soakDuration: Duration?
    /// How often CPU and RSS are sampled.
    package var sampleInterval: Duration = .seconds(5)
    /// How long the pipeline may take to drain after a phase.
    package var drainTimeout: Duration = .seconds(300)
    /// Whether to run the throughput and the latency phase (the soak runs when ``soakDuration`` is set).
    package var throughput = true
    package var latency = true
    package var seed: UInt64 = 11
    /// Share of `POST /v1/cases` traffic (0: the topic only).
    package var httpShare = 0.0
    package var catalogue: PropertyCatalogue = .builtIn
    package var services: [ServiceName] = ServiceName.allCases
    /// Partitions of every topic on the dev broker (`nil`: the stack's default).
    package var partitions: Int?
    package var serviceEnvironment: [ServiceName: [String: String]] = [:]
    /// Targets checked in the report.
    package var targetThroughput = 1_000.0
    package var targetP99Milliseconds = 150.0
    /// Where the report, manifests and logs go.
    package var reportsDirectory: URL

    package init(reportsDirectory: URL) {
        self.reportsDirectory = reportsDirectory
    }
}
