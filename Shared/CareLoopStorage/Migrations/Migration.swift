/// One forward-only schema change: applied once, in version order, in its own transaction.
///
/// `sql` may hold several statements. It runs inside a transaction, so statements that cannot
/// (`CREATE INDEX CONCURRENTLY`, `VACUUM`) do not belong here. Once applied, its `sql` must not change:
/// the ``Migrator`` compares checksums at every start and refuses to start when one differs.
package struct Migration: Sendable, Hashable {
    /// Position within its component, starting at 1 and increasing.
    package var version: Int
    /// Short description, e.g. `create_cases`.
    package var name: String
    /// The statements to run.
    package var sql: String

    /// Creates a migration.
    package init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The checksum recorded in `careloop_migrations` (FNV-1a 64 of the SQL, hex).
    package var checksum: String {
        let hex = String(StableHash.fnv1a64(sql), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
