import Synchronization

/// Live counters of a load run, read by fault scenarios (inject the fault after a share was sent) and progress lines.
package final class LoadProgress: Sendable {
    private let generatedCount = Atomic<Int>(0)
    private let completedCount = Atomic<Int>(0)
    private let acceptedCount = Atomic<Int>(0)
    private let stopFlag = Atomic<Bool>(false)

    package init() {}

    /// Submissions generated and handed to a sender.
    package var generated: Int { generatedCount.load(ordering: .relaxed) }
    /// Submissions whose send finished (accepted or given up).
    package var completed: Int { completedCount.load(ordering: .relaxed) }
    /// Submissions the broker or intake accepted.
    package var accepted: Int { acceptedCount.load(ordering: .relaxed) }
    /// Sent but not finished.
    package var inFlight: Int { generated - completed }

    /// Whether the run was asked to stop early.
    package var isStopRequested: Bool { stopFlag.load(ordering: .relaxed) }

    /// Asks the run to stop sending (sends under way finish).
    package func requestStop() { stopFlag.store(true, ordering: .relaxed) }

    func didGenerate(_ count: Int) { generatedCount.add(count, ordering: .relaxed) }

    func didComplete(_ count: Int, accepted: Int) {
        acceptedCount.add(accepted, ordering: .relaxed)
        completedCount.add(count, ordering: .relaxed)
    }
}
