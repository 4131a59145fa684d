import Foundation

/// A CareLoop service the harness runs as a process.
package enum ServiceName: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case intake
    case routing
    case repairDispatch = "repair-dispatch"
    case survey
    case notification

    /// The executable, e.g. `careloop-intake`.
    package var executable: String { "careloop-\(rawValue)" }
    /// The service's PostgreSQL schema as `make up` provisions it.
    package var schema: String { rawValue.replacingOccurrences(of: "-", with: "_") }
    package var description: String { rawValue }
}
