import CareLoopHarness
import Testing

@Suite struct HarnessNameTests {
    @Test func hasAName() { #expect(Harness.name == "careloop-harness") }
}
