/// How hard and how long the load runner sends.
package struct LoadConfiguration: Sendable {
    /// How fast submissions are offered.
    package enum Pace: Sendable, Hashable {
        /// This many submissions per second, spread evenly (open loop: a slow pipeline does not slow the sender).
        case rate(Double)
        /// As fast as the broker (and intake's HTTP API) accept them, bounded by ``LoadConfiguration/maxInFlight``.
        case asFastAsPossible
    }

    package var pace: Pace
    /// Stop after this many submissions (`nil`: only the duration bounds the run).
    package var count: Int?
    /// Stop after this long (`nil`: only the count bounds the run).
    package var duration: Duration?
    /// Submissions handed to the producer per call when sending as fast as possible.
    package var batchSize = 1_000
    /// Most submissions sent but not yet acknowledged.
    package var maxInFlight = 20_000
    /// How long a submission whose send failed is resent (same `ce_id` / `Idempotency-Key`), as a company system would.
    package var retryFor: Duration = .seconds(120)
    /// Concurrent `POST /v1/cases` requests.
    package var httpConcurrency = 32

    /// A run at `pace`, bounded by `count` and/or `duration` (at least one is required).
    package init(pace: Pace, count: Int? = nil, duration: Duration? = nil) {
        precondition(count != nil || duration != nil, "a load run needs a count or a duration")
        self.pace = pace
        self.count = count
        self.duration = duration
    }
}
