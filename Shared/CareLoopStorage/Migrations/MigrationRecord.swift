/// A migration as recorded in `careloop_migrations`.
package struct MigrationRecord: Sendable, Hashable, CustomStringConvertible {
    /// The component it belongs to.
    package var component: String
    /// Its version within the component.
    package var version: Int
    /// Its name.
    package var name: String
    /// Its SQL's checksum.
    package var checksum: String

    /// `component/version name`, e.g. `careloop/1 create_outbox`.
    package var description: String { "\(component)/\(version) \(name)" }
}
