/// What the load generator produces: its seed, the shares of duplicates, malformed records and HTTP traffic, and
/// how often a burst of same-project, same-category reports is mixed in.
package struct GeneratorConfiguration: Sendable, Hashable {
    /// Seed of the random stream: the same seed (and run id) gives the same submissions.
    package var seed: UInt64 = 7
    /// Part of every `ce_id` / `Idempotency-Key` (`<runID>-<sequence>`), so runs against one stack never collide.
    package var runID: String
    /// Share of exact resends of an earlier submission (same `ce_source`/`ce_id` and body).
    package var duplicateShare = 0.01
    /// Share of deliberately malformed records.
    package var malformedShare = 0.005
    /// A burst after every this many ordinary submissions (0: no bursts).
    package var burstEvery = 400
    /// Distinct owners per burst (the group-incident threshold is 5).
    package var burstSize: ClosedRange<Int> = 5...7
    /// Share of submissions sent with `POST /v1/cases` instead of the topic.
    package var httpShare = 0.0
    /// Share of owners writing in English (the rest in the project's language).
    package var englishShare = 0.25
    /// Share of ordinary submissions with a `category_hint` (burst members always have one).
    package var categoryHintShare = 0.5

    /// A configuration for run `runID`.
    package init(runID: String, seed: UInt64 = 7) {
        self.runID = runID
        self.seed = seed
    }
}
