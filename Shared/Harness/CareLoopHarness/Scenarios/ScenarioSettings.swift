import Foundation

/// The knobs of a chaos run shared by every scenario.
package struct ScenarioSettings: Sendable {
    /// Submissions per second while the faults happen.
    package var rate: Double = 100
    /// Load before the first fault.
    package var lead: Duration = .seconds(5)
    /// Load after the last fault cleared.
    package var tail: Duration = .seconds(8)
    /// Longest the load runs at all (a safety bound).
    package var maxLoad: Duration = .seconds(240)
    /// How long the pipeline may take to drain after the load.
    package var drainTimeout: Duration = .seconds(120)
    /// Longest acceptable time to recover from a fault.
    package var recoveryLimit: Duration = .seconds(15)
    /// Generator seed.
    package var seed: UInt64 = 7
    /// Share of `POST /v1/cases` traffic when intake serves its API (0 turns HTTP off).
    package var httpShare = 0.2
    /// Where submissions come from.
    package var catalogue: PropertyCatalogue = .builtIn
    /// PostgreSQL for scenarios that do not restart it (`nil`: an own cluster for every scenario).
    package var existingDatabase: StackConfiguration.DatabaseMode?
    /// The services started (faults on others are skipped).
    package var services: [ServiceName] = ServiceName.allCases
    /// Extra settings per service.
    package var serviceEnvironment: [ServiceName: [String: String]] = [:]
    /// Where reports, manifests and (on failure) logs go; `nil`: a temporary folder, removed afterwards.
    package var reportsDirectory: URL?

    package init() {}
}
