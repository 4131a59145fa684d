import Logging
import PostgresNIO

/// Intake's SQL for case timelines, inside the caller's transaction.
struct TimelineRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Appends `entries` to the timelines of their cases and moves each case to the values of its latest entry
    /// (never back to an older one); one round trip. Returns the positions of entries whose case intake does not
    /// have (nothing is written for them). An entry whose event was appended before is not appended again.
    ///
    /// An entry's `details` hold its category, severity and department and those of its optional facts that are
    /// present (absent ones are left out, not written as `null`).
    func append(_ entries: [TimelineEntry]) async throws -> [Int] {
        guard !entries.isEmpty else { return [] }
        let rows = try await connection.execute(TimelineStatement(TimelineColumns(entries)), logger: logger)
        var unknown: [Int] = []
        for try await position in rows { unknown.append(position) }
        return unknown
    }
}
