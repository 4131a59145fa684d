import CareLoopContracts
import Foundation
import Logging

/// Generates submissions and sends them at the configured pace, through the topic and/or HTTP senders, until the
/// count or duration is reached; every submission ends up as one manifest line.
package struct LoadRunner: Sendable {
    package let configuration: LoadConfiguration
    private let topic: (any SubmissionSender)?
    private let http: (any SubmissionSender)?
    private let progress: LoadProgress
    private let logger: Logger

    /// A runner; a sender may be `nil` when the generator never plans that transport.
    package init(
        configuration: LoadConfiguration, topic: (any SubmissionSender)?, http: (any SubmissionSender)?, progress: LoadProgress,
        logger: Logger
    ) {
        self.configuration = configuration
        self.topic = topic
        self.http = http
        self.progress = progress
        self.logger = logger
    }

    /// Runs until the count or duration is reached (or an interrupt); returns what was sent.
    package func run(generator: SubmissionGenerator) async throws -> LoadSummary {
        var generator = generator
        let start = ContinuousClock.now
        let startDate = Date()
        var sent = 0
        var lastReport = start
        try await withThrowingDiscardingTaskGroup { group in
            while !HarnessInterrupt.isRequested, !progress.isStopRequested {
                let elapsed = ContinuousClock.now - start
                if let count = configuration.count, sent >= count { break }
                if let duration = configuration.duration, elapsed >= duration { break }
                let remaining = configuration.count.map { $0 - sent } ?? Int.max
                let due: Int
                switch configuration.pace {
                case .rate(let perSecond):
                    due = min(Int(perSecond * elapsed.timeInterval) + 1 - sent, remaining, configuration.batchSize)
                case .asFastAsPossible:
                    due = min(configuration.batchSize, remaining, configuration.maxInFlight - progress.inFlight)
                }
                guard due > 0, progress.inFlight < configuration.maxInFlight else {
                    try await Task.sleep(for: pause)
                    continue
                }
                let now = Date()
                let batch = (0..<due).map { _ in generator.next(now: now) }
                sent += due
                progress.didGenerate(due)
                for (transport, part) in Dictionary(grouping: batch, by: \.transport) {
                    guard let sender = transport == .topic ? topic : http else {
                        throw HarnessError("the generator planned \(transport) submissions but no \(transport) sender is configured")
                    }
                    group.addTask {
                        let entries = try await sender.send(part, sentAt: now)
                        progress.didComplete(entries.count, accepted: entries.count { $0.accepted })
                    }
                }
                if ContinuousClock.now - lastReport >= .seconds(5) {
                    lastReport = ContinuousClock.now
                    logger.info(
                        "Load running",
                        metadata: ["sent": "\(sent)", "accepted": "\(progress.accepted)", "in_flight": "\(progress.inFlight)"])
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        return LoadSummary(
            generated: sent, accepted: progress.accepted, startedAt: startDate, seconds: elapsed.timeInterval,
            offeredRate: elapsed.timeInterval > 0 ? Double(sent) / elapsed.timeInterval : 0)
    }

    /// How long to wait when nothing is due.
    private var pause: Duration {
        switch configuration.pace {
        case .rate(let perSecond): .microseconds(Int64(max(1_000, min(20_000, 1_000_000 / max(perSecond, 1)))))
        case .asFastAsPossible: .milliseconds(2)
        }
    }
}

/// What a load run sent.
package struct LoadSummary: Sendable, Codable, Hashable {
    /// Submissions generated and sent (duplicates and malformed included).
    package var generated: Int
    /// Of them, accepted by the broker or intake.
    package var accepted: Int
    /// When sending started.
    package var startedAt: Date
    /// How long sending took, until the last send finished.
    package var seconds: Double
    /// Submissions per second offered.
    package var offeredRate: Double

    enum CodingKeys: String, CodingKey {
        case generated, accepted, seconds
        case startedAt = "started_at"
        case offeredRate = "offered_rate"
    }
}
