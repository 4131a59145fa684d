import CareLoopStorage
import Testing

@Suite struct BackoffTests {
    @Test func doublesUpToTheMaximumAndStartsOverAfterReset() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .milliseconds(500))
        let delays = (0..<5).map { _ in backoff.nextDelay() }
        #expect(delays == [100, 200, 400, 500, 500].map { .milliseconds($0) })

        backoff.reset()

        #expect(backoff.nextDelay() == .milliseconds(100))
    }
}

@Suite struct StableHashTests {
    @Test func matchesPublishedFNV1a64Vectors() {
        #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func lockKeysDifferByPurposeAndSchema() {
        let keys: Set = [
            StableHash.advisoryLockKey("migrations", schema: "intake"),
            StableHash.advisoryLockKey("migrations", schema: "routing"),
            StableHash.advisoryLockKey("outbox-relay", schema: "intake"),
        ]
        #expect(keys.count == 3)
    }
}
