import Foundation
import Logging
import PostgresNIO

/// Reads what the verifier needs from the services' tables: intake's cases by `(source, external_id)`, the cases
/// routing holds as routed, and whether the outboxes are drained.
package struct DatabaseSnapshot: Sendable {
    package let target: DatabaseTarget
    package let logger: Logger

    package init(target: DatabaseTarget, logger: Logger) {
        self.target = target
        self.logger = logger
    }

    /// How far the pipeline got, for drain waiting.
    package struct Progress: Sendable, Hashable {
        /// Rows in intake's `cases`.
        package var registered: Int
        /// Rows routing holds as routed.
        package var routed: Int
        /// Outbox rows not yet published, over every service schema that has an outbox.
        package var unsent: Int
        /// Records the services' consumer groups have not committed yet (filled by the verifier).
        package var lag = 0
    }

    /// Intake's cases and routing's routed case ids; a table that cannot be read gives `nil` (reported, not fatal).
    package func read(into observations: inout Observations) async throws {
        let intake = target.schemas["intake"] ?? "intake"
        let routing = target.schemas["routing"] ?? "routing"
        let logger = self.logger
        let (stored, routed) = try await target.withConnection(logger: logger) { connection -> ([StoredCase]?, Set<String>?) in
            var stored: [StoredCase]? = []
            do {
                let rows = try await connection.query("SELECT case_id::text, source, external_id FROM \(unescaped: intake).cases", logger: logger)
                for try await (caseID, source, externalID) in rows.decode((String, String, String).self) {
                    stored?.append(StoredCase(caseID: caseID, source: source, externalID: externalID))
                }
            } catch {
                logger.warning("Could not read intake's cases", metadata: ["error": "\(String(reflecting: error))"])
                stored = nil
            }
            return (stored, try? await Self.routedCaseIDs(schema: routing, connection: connection, logger: logger))
        }
        observations.intakeCases = stored
        observations.routingRoutedCaseIDs = routed
    }

    /// Counts for drain waiting; `nil` while the database is unreachable.
    package func progress() async -> Progress? {
        let logger = self.logger
        let intake = target.schemas["intake"] ?? "intake"
        let routing = target.schemas["routing"] ?? "routing"
        let schemas = Array(Set(target.schemas.values)).sorted()
        return try? await target.withConnection(logger: logger) { connection in
            let registered = try await Self.count("SELECT count(*)::int8 FROM \(intake).cases", connection, logger)
            let routed = try await Self.routedCount(schema: routing, connection: connection, logger: logger)
            var unsent = 0
            for schema in schemas {
                unsent += (try? await Self.count("SELECT count(*)::int8 FROM \(schema).outbox WHERE sent_at IS NULL", connection, logger)) ?? 0
            }
            return Progress(registered: registered, routed: routed, unsent: unsent)
        }
    }

    /// Case ids routing holds as routed: `routed_at` set (or, failing that column, a status past `registered`).
    private static func routedCaseIDs(schema: String, connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var ids: Set<String> = []
        let rows: PostgresRowSequence
        do {
            rows = try await connection.query("SELECT case_id::text FROM \(unescaped: schema).cases WHERE routed_at IS NOT NULL", logger: logger)
        } catch {
            rows = try await connection.query("SELECT case_id::text FROM \(unescaped: schema).cases WHERE status <> 'registered'", logger: logger)
        }
        for try await id in rows.decode(String.self) { ids.insert(id) }
        return ids
    }

    /// How many cases routing holds as routed (the same rule as ``routedCaseIDs(schema:connection:logger:)``).
    private static func routedCount(schema: String, connection: PostgresConnection, logger: Logger) async throws -> Int {
        do {
            return try await count("SELECT count(*)::int8 FROM \(schema).cases WHERE routed_at IS NOT NULL", connection, logger)
        } catch {
            return try await count("SELECT count(*)::int8 FROM \(schema).cases WHERE status <> 'registered'", connection, logger)
        }
    }

    private static func count(_ sql: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await value in rows.decode(Int64.self) { return Int(value) }
        return 0
    }
}
