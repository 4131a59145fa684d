import PostgresNIO

/// Runs a migration's possibly multi-statement SQL through the extended query protocol, which takes one statement.
///
/// postgres-nio only speaks the extended protocol, so the script is handed to PL/pgSQL's `EXECUTE` inside a `DO`
/// block; `EXECUTE` runs every statement of the string in order, in the surrounding transaction.
enum MigrationScript {
    /// The `DO` statement that executes `sql`.
    static func query(running sql: String) -> PostgresQuery {
        let inner = unusedDollarTag(in: sql, base: "careloop_migration_sql")
        let outer = unusedDollarTag(in: sql, base: "careloop_migration_block")
        return PostgresQuery(
            unsafeSQL: "DO \(outer) BEGIN EXECUTE \(inner)\(sql)\(inner); END \(outer)")
    }

    /// A dollar-quote tag (`$tag$`) that does not occur in `sql`.
    static func unusedDollarTag(in sql: String, base: String) -> String {
        var tag = "$\(base)$"
        var suffix = 0
        while sql.contains(tag) {
            suffix += 1
            tag = "$\(base)_\(suffix)$"
        }
        return tag
    }

    /// The server's error message for a failed statement, or the error's description.
    static func serverMessage(of error: any Error) -> String {
        guard let error = error as? PSQLError, let message = error.serverInfo?[.message] else {
            return String(reflecting: error)
        }
        let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
        return message + state
    }
}
