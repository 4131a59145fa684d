import Foundation
import Histogram

/// Collects latencies of one hop in an HdrHistogram (microsecond resolution, 3 significant digits, up to one hour)
/// and summarises them as percentiles.
package struct LatencyRecorder: Sendable {
    private var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// Values below zero (clock steps between processes), counted as zero.
    package private(set) var negative = 0

    package init() {}

    /// Records the time from `start` to `end`.
    package mutating func record(from start: Date, to end: Date) {
        record(seconds: end.timeIntervalSince(start))
    }

    /// Records one latency in seconds.
    package mutating func record(seconds: Double) {
        if seconds < 0 { negative += 1 }
        let microseconds = UInt64(max(0, min(seconds, 3_600)) * 1_000_000)
        _ = histogram.record(max(1, microseconds))
    }

    /// Count, p50, p95, p99, p99.9, max and mean in milliseconds.
    package var summary: LatencySummary {
        let count = Int(histogram.totalCount)
        guard count > 0 else { return LatencySummary(count: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0) }
        func milliseconds(_ value: UInt64) -> Double { Double(value) / 1000 }
        return LatencySummary(
            count: count, p50: milliseconds(histogram.valueAtPercentile(50)), p95: milliseconds(histogram.valueAtPercentile(95)),
            p99: milliseconds(histogram.valueAtPercentile(99)), p999: milliseconds(histogram.valueAtPercentile(99.9)),
            max: milliseconds(histogram.max), mean: histogram.mean / 1000)
    }
}

/// Percentiles of one hop, in milliseconds.
package struct LatencySummary: Sendable, Codable, Hashable {
    package var count: Int
    package var p50: Double
    package var p95: Double
    package var p99: Double
    package var p999: Double
    package var max: Double
    package var mean: Double

    enum CodingKeys: String, CodingKey {
        case count, p50, p95, p99, max, mean
        case p999 = "p99_9"
    }
}
