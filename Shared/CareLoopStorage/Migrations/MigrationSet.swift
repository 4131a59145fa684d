/// The migrations of one component, versioned independently of other components in the same schema.
///
/// The platform's own tables are component `careloop` (``platform``); a service's tables use the
/// service's name as component.
package struct MigrationSet: Sendable, Hashable {
    /// The component's name, e.g. `careloop` or `intake`.
    package var component: String
    /// The component's migrations in increasing version order.
    package var migrations: [Migration]

    /// Creates a set.
    package init(component: String, migrations: [Migration]) {
        self.component = component
        self.migrations = migrations
    }

    /// Throws ``StorageError/Code-swift.struct/invalidMigrations`` when the component is empty or versions are
    /// not strictly increasing from 1 upwards.
    package func validate() throws(StorageError) {
        guard !component.isEmpty else {
            throw StorageError(.invalidMigrations, "a migration set has an empty component name")
        }
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw StorageError(
                    .invalidMigrations,
                    "\(component) migration \(migration.version) '\(migration.name)' follows version \(previous); "
                        + "versions must be unique, at least 1 and increasing")
            }
            previous = migration.version
        }
    }
}
