import CareLoopHarness
import CareLoopTestSupport
import Foundation
import Testing

struct ProcessStatsTests {
    /// A PostgreSQL backend that exits during a run (its connection was retired) must still count: the postmaster
    /// tree's CPU includes the children it has reaped.
    @Test func aTreeCountsTheCPUOfChildrenThatHaveExited() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-stats-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        // A subshell burns about 0.4 s of CPU and exits; its parent has waited for it when it writes the marker.
        shell.arguments = ["-c", "(i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done); : > '\(marker.path)'; sleep 5"]
        try shell.run()
        defer { shell.terminate() }
        #expect(await eventually(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: marker.path) })
        let tree = try #require(ProcessStats.readTree(pid: shell.processIdentifier))
        #expect(tree.cpuSeconds >= 0.2, "the reaped subshell's CPU is missing: \(tree.cpuSeconds) s")
        // The shell itself hardly ran.
        #expect((ProcessStats.read(pid: shell.processIdentifier)?.cpuSeconds ?? 1) < 0.1)
    }
}
