import Foundation
import Synchronization

/// A dedicated OS thread that runs blocking librdkafka calls (polls, flushes, closes) one at a time,
/// so they never block Swift's cooperative thread pool.
///
/// Work is handed over with `run(_:)`, which suspends the caller until the thread has finished it:
/// one hop per batch, never one per message.
final class BlockingThread: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let condition = NSCondition()
    private let name: String

    init(name: String) {
        self.name = name
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the dedicated thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            enqueue { continuation.resume(returning: body()) }
        }
    }

    /// Queues `job` without waiting for it.
    func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        let accepted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.jobs.append(job)
            return true
        }
        condition.signal()
        condition.unlock()
        if !accepted { job() }  // after stop: run inline rather than lose the job
    }

    /// Lets the thread finish its queued jobs and exit.
    func stop() {
        condition.lock()
        state.withLock { $0.stopped = true }
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            var next: (job: (@Sendable () -> Void)?, exit: Bool) = (nil, false)
            while true {
                next = state.withLock { state in
                    if !state.jobs.isEmpty { return (state.jobs.removeFirst(), false) }
                    return (nil, state.stopped)
                }
                if next.job != nil || next.exit { break }
                condition.wait()
            }
            condition.unlock()
            if let job = next.job { job() } else { return }
        }
    }
}
