import PostgresNIO
import Synchronization

/// Decides when a pooled connection has lived long enough to be closed at the end of a lease.
///
/// postgres-nio keeps each connection's outbound buffer at the size of the largest message it ever sent (the
/// encoder clears the buffer but keeps its capacity). A batch statement with a few thousand rows makes that buffer
/// megabytes large, and every connection of the pool ratchets up to the largest batch it ever carried: a service's
/// memory grew through a whole soak. Closing a connection after ``DatabaseConfiguration/connectionMaxLifetime``
/// frees its buffers; the pool opens a new one when it needs it.
///
/// Each connection's lifetime is drawn between 80 and 100 % of the maximum when it is first leased, so connections
/// opened together are not all replaced at once.
final class ConnectionLifetimes: Sendable {
    private let maximum: Duration?
    private let clock = ContinuousClock()
    /// When each connection seen so far must be closed, by connection id.
    private let deadlines = Mutex<[PostgresConnection.ID: ContinuousClock.Instant]>([:])

    init(maximum: Duration?) {
        self.maximum = maximum
    }

    /// Whether the connection has outlived its lifetime and is to be closed now; it is then forgotten. The first
    /// call for a connection starts its lifetime.
    func retires(_ connection: PostgresConnection) -> Bool {
        guard let maximum else { return false }
        let now = clock.now
        return deadlines.withLock { deadlines in
            if let deadline = deadlines[connection.id] {
                guard now >= deadline else { return false }
                deadlines[connection.id] = nil
                return true
            }
            // Connections closed by the server or the watchdog never come back: forget them now and then.
            if deadlines.count > 1_000 { deadlines = deadlines.filter { now < $0.value + maximum } }
            deadlines[connection.id] = now + maximum * Double.random(in: 0.8...1.0)
            return false
        }
    }
}
