import Foundation
import Logging
import PostgresNIO

/// The statements PostgreSQL spent most time on during a phase, per service role (`pg_stat_statements`): the
/// evidence for where the pipeline's time goes.
package struct StatementProfile: Sendable, Codable, Hashable {
    /// One normalised statement.
    package struct Statement: Sendable, Codable, Hashable {
        /// The login role, i.e. the service (`careloop_routing`, …).
        package var role: String
        package var calls: Int
        /// Total execution time, milliseconds.
        package var totalMilliseconds: Double
        package var meanMilliseconds: Double
        package var rows: Int
        /// The statement, cut to 200 characters.
        package var query: String

        enum CodingKeys: String, CodingKey {
            case role, calls, rows, query
            case totalMilliseconds = "total_ms"
            case meanMilliseconds = "mean_ms"
        }
    }

    /// Execution time per role, milliseconds.
    package var totalByRole: [String: Double]
    /// Transactions committed per role's statements are not tracked; calls per role are.
    package var callsByRole: [String: Int]
    /// The statements with the largest total time.
    package var top: [Statement]

    enum CodingKeys: String, CodingKey {
        case top
        case totalByRole = "total_ms_by_role"
        case callsByRole = "calls_by_role"
    }

    /// Clears the statistics (at the start of a phase).
    package static func reset(_ target: DatabaseTarget, logger: Logger) async {
        _ = try? await target.withConnection(logger: logger) { connection in
            _ = try await connection.query("SELECT pg_stat_statements_reset()", logger: logger)
        }
    }

    /// The profile since the last reset; `nil` when `pg_stat_statements` is not loaded.
    package static func read(_ target: DatabaseTarget, limit: Int = 12, logger: Logger) async -> StatementProfile? {
        try? await target.withConnection(logger: logger) { connection in
            var totals: [String: Double] = [:]
            var calls: [String: Int] = [:]
            let byRole = try await connection.query(
                """
                SELECT pg_get_userbyid(userid)::text, sum(total_exec_time)::float8, sum(calls)::int8
                FROM pg_stat_statements GROUP BY 1
                """, logger: logger)
            for try await (role, total, count) in byRole.decode((String, Double, Int64).self) {
                totals[role] = total
                calls[role] = Int(count)
            }
            var top: [Statement] = []
            let rows = try await connection.query(
                """
                SELECT pg_get_userbyid(userid)::text, calls::int8, total_exec_time::float8, mean_exec_time::float8, rows::int8,
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 200)
                FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT \(limit)
                """, logger: logger)
            for try await (role, count, total, mean, rowCount, query) in rows.decode((String, Int64, Double, Double, Int64, String).self) {
                top.append(Statement(role: role, calls: Int(count), totalMilliseconds: total, meanMilliseconds: mean, rows: Int(rowCount), query: query))
            }
            return StatementProfile(totalByRole: totals, callsByRole: calls, top: top)
        }
    }

    /// The profile for people.
    package var text: String {
        var lines = ["PostgreSQL    time by service role: " + totalByRole.sorted { $0.value > $1.value }
            .map { String(format: "%@ %.0f ms (%d calls)", $0.key, $0.value, callsByRole[$0.key] ?? 0) }.joined(separator: ", ")]
        for statement in top.prefix(8) {
            lines.append(String(format: "              %8.0f ms %7d calls %6.2f ms/call  %@: %@", statement.totalMilliseconds, statement.calls, statement.meanMilliseconds, statement.role, String(statement.query.prefix(110))))
        }
        return lines.joined(separator: "\n")
    }
}
