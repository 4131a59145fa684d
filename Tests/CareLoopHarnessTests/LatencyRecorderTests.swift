import CareLoopHarness
import Foundation
import Testing

@Suite("Latency percentiles (HdrHistogram)")
struct LatencyRecorderTests {
    @Test("1 … 1000 ms uniformly: p50 ≈ 500, p95 ≈ 950, p99 ≈ 990, max 1000 (within 0.1 %)")
    func uniform() {
        var recorder = LatencyRecorder()
        for millisecond in (1...1000).shuffled() { recorder.record(seconds: Double(millisecond) / 1000) }
        let summary = recorder.summary
        #expect(summary.count == 1000)
        for (value, expected) in [(summary.p50, 500.0), (summary.p95, 950.0), (summary.p99, 990.0), (summary.max, 1000.0)] {
            #expect(abs(value - expected) <= expected * 0.001 + 0.001, "\(value) vs \(expected)")
        }
        #expect(abs(summary.mean - 500.5) < 1)
    }

    @Test("a long tail shows in p99 and max, not in p50; negative spans count as zero")
    func tail() {
        var recorder = LatencyRecorder()
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        for _ in 0..<980 { recorder.record(from: start, to: start.addingTimeInterval(0.020)) }
        for _ in 0..<20 { recorder.record(from: start, to: start.addingTimeInterval(2.5)) }
        recorder.record(from: start, to: start.addingTimeInterval(-0.5))
        let summary = recorder.summary
        #expect(abs(summary.p50 - 20) < 0.1)
        #expect(abs(summary.p99 - 2500) < 3)
        #expect(abs(summary.max - 2500) < 3)
        #expect(recorder.negative == 1)
    }

    @Test("no values: zeros")
    func empty() {
        #expect(LatencyRecorder().summary.count == 0)
    }
}
