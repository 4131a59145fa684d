import ServiceLifecycle

/// Runs long-running parts for the duration of a test body, then stops them in reverse order (each cancelled and
/// awaited before the one before it), as a `ServiceGroup` does: a ``Database`` listed first outlives the parts that
/// query through it. A part's error (other than when it was stopped) is rethrown after the body's result.
package func withRunning<T: Sendable>(
    _ services: [any Service], _ body: () async throws -> T
) async throws -> T {
    // Unstructured tasks: cancelling the test (a time limit) must not cancel the pool under the parts using it.
    let tasks = services.map { service in Task { try await service.run() } }
    func stop() async throws {
        var firstError: (any Error)?
        for task in tasks.reversed() {
            task.cancel()
            do { try await task.value } catch is CancellationError {} catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
    let result: T
    do {
        result = try await body()
    } catch {
        try? await stop()
        throw error
    }
    try await stop()
    return result
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
package func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
