import Synchronization

/// Set when the user interrupts the harness (SIGINT/SIGTERM): loops stop sending and waiting, and every scenario
/// still stops its processes and removes its folders (no task cancellation, so clean-up is never cut short).
package enum HarnessInterrupt {
    private static let flag = Atomic<Bool>(false)

    /// Whether an interrupt was requested.
    package static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Requests an orderly stop.
    package static func request() { flag.store(true, ordering: .relaxed) }

    /// Throws ``HarnessError`` when an interrupt was requested.
    package static func check() throws {
        if isRequested { throw HarnessError("interrupted") }
    }
}

/// A harness failure with a readable reason.
package struct HarnessError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
