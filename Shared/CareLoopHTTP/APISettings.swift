/// Limits of a service's public API.
package struct APISettings: Sendable, Hashable {
    /// The largest request body accepted, in bytes (`413` beyond).
    package var maxBodyBytes: Int
    /// Requests per second per API key when the key sets no rate of its own (`429` beyond).
    package var rateLimitPerSecond: Double
    /// Burst size, in seconds' worth of the rate.
    package var rateLimitBurstSeconds: Double
    /// How long API-key look-ups are cached (how long a revoked key keeps working at most).
    package var keyCacheTTL: Duration

    /// Settings with CareLoop's defaults: 1 MiB bodies, 200 requests/s per key, 2 s bursts, 5 s key cache.
    package init(
        maxBodyBytes: Int = 1024 * 1024, rateLimitPerSecond: Double = 200, rateLimitBurstSeconds: Double = 2,
        keyCacheTTL: Duration = .seconds(5)
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.rateLimitPerSecond = rateLimitPerSecond
        self.rateLimitBurstSeconds = rateLimitBurstSeconds
        self.keyCacheTTL = keyCacheTTL
    }
}
