import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `query`, reads all of its rows, and returns the first column of the first row (`nil` without rows).
    ///
    /// Reading the result to its end keeps the connection's state clean even when the server closes it.
    package func queryValue<Value: PostgresDecodable>(
        _ query: PostgresQuery, as type: Value.Type = Value.self, logger: Logger,
        file: String = #fileID, line: Int = #line
    ) async throws -> Value? {
        let rows = try await self.query(query, logger: logger, file: file, line: line).collect()
        return try rows.first?.decode(Value.self, file: file, line: line)
    }

    /// Runs `delete` (a `DELETE … RETURNING 1`, binds and all) and returns how many rows it deleted.
    package func deletedRowCount(
        _ delete: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> Int {
        let counted = PostgresQuery(
            unsafeSQL: "WITH deleted AS (\(delete.sql)) SELECT count(*) FROM deleted", binds: delete.binds)
        return try await queryValue(counted, as: Int.self, logger: logger, file: file, line: line) ?? 0
    }
}
