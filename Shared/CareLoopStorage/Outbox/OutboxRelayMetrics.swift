import Metrics

/// The relay's metrics, labelled with the schema.
struct OutboxRelayMetrics: Sendable {
    /// Rows published and marked sent.
    private let published: Counter
    /// Rows whose publication failed.
    private let publishFailures: Counter
    /// Rows not yet published.
    private let pending: Gauge
    /// Duration of one batch: lock, read, publish, mark, commit.
    private let batchDuration: Metrics.Timer

    init(schema: String) {
        let dimensions = [("schema", schema)]
        published = Counter(label: "careloop_outbox_published_total", dimensions: dimensions)
        publishFailures = Counter(label: "careloop_outbox_publish_failures_total", dimensions: dimensions)
        pending = Gauge(label: "careloop_outbox_pending", dimensions: dimensions)
        batchDuration = Metrics.Timer(label: "careloop_outbox_relay_batch_seconds", dimensions: dimensions)
    }

    /// Counts a published batch's outcome.
    func record(_ plan: OutboxDeliveryPlan) {
        published.increment(by: plan.deliveredIDs.count)
        publishFailures.increment(by: plan.failed)
    }

    /// Records how long a batch took.
    func recordBatch(duration: Duration) {
        batchDuration.record(duration: duration)
    }

    /// Records the number of unsent rows.
    func recordPending(_ count: Int) {
        pending.record(count)
    }
}
