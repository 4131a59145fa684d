import CareLoopHTTP
import Testing

@Suite struct APIKeyTests {
    @Test func aGeneratedKeyParsesBackAndMatchesOnlyItsOwnHash() throws {
        let key = APIKey.generate()
        let parsed = try #require(APIKey(parsing: key.text))
        #expect(parsed == key)
        #expect(key.text.hasPrefix("clk_"))
        #expect(parsed.matches(hash: key.secretHash))
        #expect(!APIKey.generate().matches(hash: key.secretHash))
        #expect(APIKey.generate().id != key.id)
    }

    @Test(arguments: [
        "", "clk_", "clk_abc", "xyz_abcdefghijkl_" + String(repeating: "a", count: 43), "clk_ABCDEFGHIJKL_" + String(repeating: "a", count: 43),
        "clk_abcdefghijk_" + String(repeating: "a", count: 43), "clk_abcdefghijkl_short", "clk_abcdefghijkl_" + String(repeating: "a", count: 65),
    ])
    func malformedKeysDoNotParse(_ text: String) {
        #expect(APIKey(parsing: text) == nil)
    }

    @Test func aClientWithoutCitiesCoversEveryCity() {
        let all = APIClient(id: "a", name: "crm", scopes: [.read])
        let shenzhen = APIClient(id: "b", name: "sz", scopes: [.read], cities: ["shenzhen"], subject: "S-001")
        #expect(all.covers(city: "wuhan"))
        #expect(shenzhen.covers(city: "shenzhen"))
        #expect(!shenzhen.covers(city: "wuhan"))
        #expect(all.actor == "key:a")
        #expect(shenzhen.actor == "S-001")
    }
}

@Suite struct RateLimiterTests {
    @Test func aBurstIsAllowedThenRequestsWaitForTokens() {
        let limiter = RateLimiter(defaultRate: 10, burstSeconds: 1)
        let start = ContinuousClock.now
        for _ in 0..<10 { #expect(limiter.acquire(key: "k", now: start) == nil) }
        #expect(limiter.acquire(key: "k", now: start) == 1)
        // 100 ms later one token has come back.
        #expect(limiter.acquire(key: "k", now: start + .milliseconds(100)) == nil)
        #expect(limiter.acquire(key: "k", now: start + .milliseconds(100)) == 1)
        // Another key has its own bucket.
        #expect(limiter.acquire(key: "other", now: start) == nil)
    }

    @Test func retryAfterReflectsASlowRate() {
        let limiter = RateLimiter(defaultRate: 1, burstSeconds: 1)
        let start = ContinuousClock.now
        #expect(limiter.acquire(key: "k", rate: 0.25, now: start) == nil)
        #expect(limiter.acquire(key: "k", rate: 0.25, now: start) == 4)
        #expect(limiter.acquire(key: "k", rate: 0.25, now: start + .seconds(4)) == nil)
    }
}
