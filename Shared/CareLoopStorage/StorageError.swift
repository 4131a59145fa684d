/// An error of the storage layer that says what went wrong and what to do about it.
///
/// A `struct` with an open set of codes, so new codes do not break callers that switch over them.
package struct StorageError: Error, CustomStringConvertible {
    /// What kind of failure this is.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// A configuration value cannot work (fix the configuration).
        package static let invalidConfiguration = Code("invalidConfiguration")
        /// A list of migrations is malformed: duplicate or unordered versions, empty component (a bug).
        package static let invalidMigrations = Code("invalidMigrations")
        /// An applied migration's SQL was edited afterwards; add a new migration instead.
        package static let migrationChecksumMismatch = Code("migrationChecksumMismatch")
        /// A migration's SQL failed; it was rolled back and not recorded.
        package static let migrationFailed = Code("migrationFailed")
        /// A stored outbox row cannot be read back (corrupt headers).
        package static let corruptOutboxRow = Code("corruptOutboxRow")
        /// A pooled connection was found closed (the server ended it) before a statement was sent; try again.
        package static let connectionLost = Code("connectionLost")
        /// The outbox relay's session lock was gone when its batch was marked (its rows are marked all the same).
        package static let relayLockLost = Code("relayLockLost")

        /// The code's name.
        package var description: String { name }
    }

    /// What kind of failure this is.
    package var code: Code
    /// What went wrong, naming the object concerned.
    package var message: String
    /// The error that caused this one, if any.
    package var underlying: (any Error)?

    /// Creates an error.
    package init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The code and the message, and the underlying error when there is one.
    package var description: String {
        guard let underlying else { return "\(code): \(message)" }
        return "\(code): \(message) (\(String(reflecting: underlying)))"
    }
}
