import CareLoopTestSupport
import Testing

/// Ports handed to services under test come from below the ephemeral range, are free, and never repeat.
@Suite struct LoopbackPortTests {
    @Test func portsAreFreeDistinctAndBelowTheEphemeralRange() throws {
        let ports = try (0..<50).map { _ in try freeLoopbackPort() }
        #expect(Set(ports).count == ports.count)
        #expect(ports.allSatisfy { (20_000..<32_000).contains($0) })
        #expect(ports.allSatisfy(loopbackPortIsFree))
    }
}
