import CareLoopContracts
import CareLoopKafka
import Foundation

/// Sends submissions as CloudEvents to `careloop.intake.v1` through the project's idempotent producer
/// (`murmur2_random`, key `<city>/<project>`); a record whose delivery fails is resent as it was until `retryFor`
/// has passed.
package struct TopicSender: SubmissionSender {
    let producer: KafkaProducer
    let manifest: ManifestWriter
    let retryFor: Duration

    /// A sender over a running producer.
    package init(producer: KafkaProducer, manifest: ManifestWriter, retryFor: Duration) {
        self.producer = producer
        self.manifest = manifest
        self.retryFor = retryFor
    }

    package func send(_ batch: [PlannedSubmission], sentAt: Date) async throws -> [ManifestEntry] {
        var entries = batch.map { ManifestEntry($0, sentAt: Timestamp(sentAt)) }
        let records = batch.map { $0.record(sentAt: sentAt) }
        var pending = Array(records.indices)
        let deadline = ContinuousClock.now + retryFor
        var backoff = RetryBackoff()
        while !pending.isEmpty {
            let results = await producer.send(pending.map { records[$0] })
            var failed: [Int] = []
            for (index, result) in zip(pending, results) {
                entries[index].attempts += 1
                switch result {
                case .success(let report):
                    entries[index].accepted = true
                    entries[index].partition = report.partition
                    entries[index].offset = report.offset
                    entries[index].error = nil
                case .failure(let error):
                    entries[index].error = String(describing: error)
                    failed.append(index)
                }
            }
            pending = failed
            guard !pending.isEmpty, ContinuousClock.now < deadline, !HarnessInterrupt.isRequested else { break }
            await backoff.wait()
        }
        try await manifest.append(entries)
        return entries
    }
}
