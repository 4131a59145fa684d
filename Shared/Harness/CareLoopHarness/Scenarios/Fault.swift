import Foundation

/// A fault injected during a run: how to cause it, how long it lasts, how to take it away.
package struct Fault: Sendable {
    /// What the report calls it, e.g. `kill -9 intake`.
    package var name: String
    /// Causes the fault; returns once it is in effect.
    package var inject: @Sendable (FaultContext) async throws -> Void
    /// How long the fault stays before ``clear`` runs.
    package var hold: Duration
    /// Takes the fault away (restart, broker up, errors dropped); `nil` when it stays (a replica killed for good):
    /// then the fault counts as cleared the moment it was injected.
    package var clear: (@Sendable (FaultContext) async throws -> Void)?
    /// The service the fault acts on; the fault is skipped when the stack does not run it.
    package var service: ServiceName?

    package init(
        _ name: String, service: ServiceName? = nil, hold: Duration = .zero, inject: @escaping @Sendable (FaultContext) async throws -> Void,
        clear: (@Sendable (FaultContext) async throws -> Void)? = nil
    ) {
        self.name = name
        self.service = service
        self.hold = hold
        self.inject = inject
        self.clear = clear
    }

    /// Injects, holds, clears; returns the window the fault was in effect.
    func apply(_ context: FaultContext) async throws -> FaultWindow {
        let injectedAt = Date()
        try await inject(context)
        let signal: FaultWindow.Signal = service == .repairDispatch ? .workOrdersOpened : .casesRouted
        guard let clear else { return FaultWindow(name: name, injectedAt: injectedAt, clearedAt: Date(), signal: signal) }
        try await Task.sleep(for: hold)
        try await clear(context)
        return FaultWindow(name: name, injectedAt: injectedAt, clearedAt: Date(), signal: signal)
    }
}

/// What a fault can act on: the stack, and a way to send poison records into the run's manifest.
package struct FaultContext: Sendable {
    package let stack: HarnessStack
    /// Sends a poison record to every partition of `careloop.intake.v1`.
    package let sendPoison: @Sendable () async throws -> Void
}
