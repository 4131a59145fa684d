import Synchronization

/// The property registry every handler and route checks against: empty until the first load from the database,
/// then replaced by each reload and after every admin update.
package final class LivePropertyRegistry: Sendable {
    private let state = Mutex<PropertyRegistry?>(nil)

    /// An unloaded registry.
    package init() {}

    /// The current registry; waits for the first load (a handler started before it never sees an empty registry).
    package func current() async throws -> PropertyRegistry {
        while true {
            if let registry = state.withLock({ $0 }) { return registry }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The current registry, or `nil` before the first load.
    package var loaded: PropertyRegistry? { state.withLock { $0 } }

    /// Installs `registry`.
    package func replace(_ registry: PropertyRegistry) {
        state.withLock { $0 = registry }
    }
}
