/// One condition the service needs before it takes traffic (database reachable, consumer subscribed, …).
package struct ReadinessCheck: Sendable {
    /// A short name shown in `/health/ready`.
    package var name: String
    /// Returns `nil` when ready, otherwise why not.
    package var probe: @Sendable () async -> String?

    package init(_ name: String, probe: @escaping @Sendable () async -> String?) {
        self.name = name
        self.probe = probe
    }
}
