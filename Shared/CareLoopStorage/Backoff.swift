/// Capped exponential back-off: `initial`, then twice the previous delay, never more than `maximum`.
package struct Backoff: Sendable, Hashable {
    /// The first delay after a success.
    package var initial: Duration
    /// The longest delay.
    package var maximum: Duration
    private var upcoming: Duration?

    /// Creates a back-off that starts at `initial`.
    package init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay to wait now; the one after it doubles.
    package mutating func nextDelay() -> Duration {
        let delay = min(upcoming ?? initial, maximum)
        upcoming = min(delay * 2, maximum)
        return delay
    }

    /// Starts over at `initial` (after a success).
    package mutating func reset() {
        upcoming = nil
    }
}
