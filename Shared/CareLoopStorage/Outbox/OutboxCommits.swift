import PostgresNIO
import Synchronization

/// Wakes this process's outbox relays when one of its transactions that wrote outbox rows commits.
///
/// Writers note their outbox rows with ``Outbox/noteWrite(on:)`` (``Outbox/enqueue(_:connection:logger:)`` does);
/// ``Database/withTransaction(isolation:_:)`` signals after a `COMMIT` that followed such a write. The wake-up
/// stays inside the process: a `NOTIFY` would take PostgreSQL's database-wide notification lock through every
/// writing commit, its WAL flush included, and so serialize the commits of all services. Rows written by another
/// process (another replica, a tool) are found by the relays' polls.
package final class OutboxCommits: Sendable {
    private struct State {
        var nextToken = 0
        var relays: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    private let state = Mutex(State())
    /// Connections (by identity, process-wide) that wrote outbox rows in the transaction they are in.
    private static let writers = Mutex<Set<ObjectIdentifier>>([])

    package init() {}

    /// Yields to `wakeUp` after every writing commit until the returned token is passed to ``unregister(_:)``.
    package func register(_ wakeUp: AsyncStream<Void>.Continuation) -> Int {
        state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            state.relays[token] = wakeUp
            return token
        }
    }

    /// Stops the wake-ups of ``register(_:)``'s `token`.
    package func unregister(_ token: Int) {
        _ = state.withLock { $0.relays.removeValue(forKey: token) }
    }

    /// Wakes every registered relay.
    package func signal() {
        for wakeUp in state.withLock({ Array($0.relays.values) }) { wakeUp.yield() }
    }

    /// Notes that the transaction open on `connection` wrote outbox rows.
    static func noteWrite(on connection: PostgresConnection) {
        _ = writers.withLock { $0.insert(ObjectIdentifier(connection)) }
    }

    /// Whether the transaction that just ended on `connection` wrote outbox rows; forgets it either way.
    static func takeWrite(on connection: PostgresConnection) -> Bool {
        writers.withLock { $0.remove(ObjectIdentifier(connection)) != nil }
    }
}
