import CareLoopKafka
import Synchronization

/// A test handler that records what it committed and can fail or reject on demand.
final class RecordingHandler: RecordBatchHandler {
    /// What one call does with a batch: return rejections, or throw to fail it.
    typealias Behaviour = @Sendable (_ records: [ConsumedRecord], _ call: Int) throws -> [RecordRejection]

    private let state = Mutex<(handled: [ConsumedRecord], calls: Int)>(([], 0))
    private let behaviour: Behaviour

    init(_ behaviour: @escaping Behaviour = { _, _ in [] }) {
        self.behaviour = behaviour
    }

    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection] {
        let call = state.withLock { state -> Int in
            state.calls += 1
            return state.calls
        }
        let rejections = try behaviour(records, call)
        let rejected = Set(rejections.map(\.record))
        state.withLock { $0.handled += records.filter { !rejected.contains($0) } }
        return rejections
    }

    /// Records whose batch succeeded and that were not rejected.
    var handled: [ConsumedRecord] { state.withLock { $0.handled } }
    /// How many times `handle` was called.
    var calls: Int { state.withLock { $0.calls } }
}

/// An error the tests mark as passing (the consumer retries the batch).
struct TransientFailure: Error {}
/// An error the tests mark as permanent (the consumer isolates the record).
struct BrokenRecord: Error {}

let isTransient: @Sendable (any Error) -> Bool = { $0 is TransientFailure }
