import CareLoopContracts
import Foundation
import Logging

/// Waits for the pipeline to drain, then reads the topics and the databases and accounts for every submission of a
/// manifest (see ``Accounting``).
package struct Verifier: Sendable {
    package let bootstrapServers: String
    /// The services' tables; `nil` to verify from the topics only.
    package let database: DatabaseTarget?
    /// The services' consumer groups whose lag must be zero before the pipeline counts as drained.
    package let groups: [ConsumerGroup]
    package let logger: Logger

    package init(bootstrapServers: String, database: DatabaseTarget?, groups: [ConsumerGroup] = [], logger: Logger) {
        self.bootstrapServers = bootstrapServers
        self.database = database
        self.groups = groups
        self.logger = logger
    }

    /// Distinct submissions of `manifest` that must become cases (accepted, not malformed).
    package static func expectedCases(_ manifest: [ManifestEntry]) -> Int {
        Set(manifest.filter { $0.accepted && $0.mustRegister }.compactMap(\.id)).count
    }

    /// Polls the databases and the consumer groups until at least `registered` cases are registered, every
    /// registered case is routed, no outbox row waits and no group lags, twice in a row. After `timeout` it tells a
    /// pipeline still working through a backlog from one that stopped (nothing moved for `stallAfter`); verify
    /// anyway: the report says what is missing.
    package func waitForDrain(registered: Int, timeout: Duration, stallAfter: Duration = .seconds(30)) async -> DrainOutcome {
        guard let database else { return .drained(.zero) }
        let snapshot = DatabaseSnapshot(target: database, logger: logger)
        let start = ContinuousClock.now
        var previous: DatabaseSnapshot.Progress?
        var lastChange = start
        var lastLog = start
        while ContinuousClock.now - start < timeout, !HarnessInterrupt.isRequested {
            var progress = await snapshot.progress()
            let lags = await lag()
            progress?.lag = lags.values.contains(-1) ? -1 : lags.values.reduce(0, +)
            if let progress, progress.registered >= registered, progress.routed >= progress.registered, progress.unsent == 0,
                progress.lag == 0, progress == previous
            {
                return .drained(ContinuousClock.now - start)
            }
            if progress != previous { lastChange = ContinuousClock.now }
            if let progress, ContinuousClock.now - lastLog >= .seconds(10) {
                lastLog = ContinuousClock.now
                logger.info(
                    "Waiting for the pipeline to drain",
                    metadata: [
                        "registered": "\(progress.registered)/\(registered)", "routed": "\(progress.routed)", "unsent": "\(progress.unsent)",
                        "lag": "\(progress.lag)",
                        "lagging_groups": "\(lags.filter { $0.value != 0 }.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ","))",
                    ])
            }
            previous = progress
            try? await Task.sleep(for: .seconds(1))
        }
        return ContinuousClock.now - lastChange >= stallAfter ? .stalled : .progressing
    }

    /// Records each consumer group has not committed yet (0 for a group that committed nothing); -1 when the
    /// brokers cannot be asked.
    private func lag() async -> [String: Int] {
        var lags: [String: Int] = [:]
        for group in groups {
            do {
                lags[group.id] = try await TopicWatermarks.lag(bootstrapServers: bootstrapServers, groupID: group.id, topics: group.topics) ?? 0
            } catch {
                lags[group.id] = -1
            }
        }
        return lags
    }

    /// Reads everything and accounts for `manifest`.
    package func verify(
        manifest: [ManifestEntry], faults: [FaultWindow] = [], drain: DrainOutcome = .drained(.zero), readTimeout: Duration = .seconds(300)
    ) async throws -> VerificationReport {
        var observations = try await TopicSnapshot(bootstrapServers: bootstrapServers, logger: logger).read(timeout: readTimeout)
        if let database {
            try await DatabaseSnapshot(target: database, logger: logger).read(into: &observations)
        }
        return Accounting.verify(manifest: manifest, observations: observations, faults: faults, drain: drain)
    }
}
