import CareLoopStorage

/// An ``OutboxPublisher`` for tests: records every batch, fails chosen messages, can hold batches and detects
/// a message being published while another publication of it is still in flight.
package actor FakeOutboxPublisher: OutboxPublisher {
    /// Every batch handed to ``publish(_:)``, in call order.
    package private(set) var batches: [[OutboxMessage]] = []
    /// Messages that arrived while an identical message (same value) was still being published.
    package private(set) var concurrentDuplicates: [OutboxMessage] = []
    private var remainingFailures: [[UInt8]: Int] = [:]
    private var inFlight: [[UInt8]: Int] = [:]
    private var isHolding = false
    private let delay: Duration

    /// Creates a publisher that takes `delay` per batch.
    package init(delay: Duration = .zero) {
        self.delay = delay
    }

    /// Every message handed over, in order (with repeats).
    package var published: [OutboxMessage] { batches.flatMap { $0 } }

    /// Makes the next `times` publications of the message with `value` fail.
    package func failNext(_ times: Int = 1, value: [UInt8]) {
        remainingFailures[value, default: 0] += times
    }

    /// Keeps batches waiting inside ``publish(_:)`` until ``release()``.
    package func hold() {
        isHolding = true
    }

    /// Lets held batches finish.
    package func release() {
        isHolding = false
    }

    /// Records `messages`, waits (delay, hold), and reports success except for messages told to fail.
    package func publish(_ messages: [OutboxMessage]) async -> [Result<Void, any Error>] {
        batches.append(messages)
        for message in messages {
            if inFlight[message.value, default: 0] > 0 { concurrentDuplicates.append(message) }
            inFlight[message.value, default: 0] += 1
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        while isHolding { try? await Task.sleep(for: .milliseconds(5)) }
        return messages.map { message in
            inFlight[message.value, default: 0] -= 1
            guard let failures = remainingFailures[message.value], failures > 0 else { return .success(()) }
            remainingFailures[message.value] = failures - 1
            return .failure(FakePublishError(value: message.value))
        }
    }
}

/// The failure ``FakeOutboxPublisher`` reports for a message told to fail.
package struct FakePublishError: Error, Hashable {
    /// The failed message's value.
    package var value: [UInt8]
}
