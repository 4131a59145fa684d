import Synchronization

/// Token buckets per API key: each key may make `rate` requests per second on average, in bursts of up to `burst`.
package final class RateLimiter: Sendable {
    /// Requests per second when the key sets no rate of its own.
    package let defaultRate: Double
    /// Bucket size as a multiple of one second's rate (at least 1 request).
    package let burstSeconds: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// A limiter with `defaultRate` requests per second and bursts of `burstSeconds` worth of requests.
    package init(defaultRate: Double, burstSeconds: Double = 1) {
        self.defaultRate = defaultRate
        self.burstSeconds = burstSeconds
    }

    /// Takes one token for `key`; returns `nil` when allowed, else the whole seconds to wait before retrying.
    package func acquire(key: String, rate: Double? = nil, now: ContinuousClock.Instant = .now) -> Int? {
        let rate = max(rate ?? defaultRate, 0.001)
        let capacity = max(rate * burstSeconds, 1)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = max(0, Double((now - bucket.updated).components.attoseconds) / 1e18 + Double((now - bucket.updated).components.seconds))
            bucket.tokens = min(capacity, bucket.tokens + elapsed * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}
