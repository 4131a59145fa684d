import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Repair dispatch's SQL for the project registry (delivery dates and warranty promises).
struct ProjectRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// The entries of `projects` that are registered, by project.
    func deliveries(of projects: [String]) async throws -> [String: ProjectDelivery] {
        guard !projects.isEmpty else { return [:] }
        let found = try await entries(
            "SELECT \(unescaped: Self.entryJSON) FROM projects WHERE project = ANY(\(projects)::text[])")
        return Dictionary(found.map { ($0.project, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every registered project.
    func all() async throws -> [ProjectDelivery] {
        try await entries("SELECT \(unescaped: Self.entryJSON) FROM projects ORDER BY project")
    }

    /// Inserts or replaces a project's entry; returns whether it was new.
    @discardableResult
    func upsert(_ entry: ProjectDelivery) async throws -> Bool {
        try await write(
            entry,
            onConflict: """
                DO UPDATE SET city = EXCLUDED.city, delivered_on = EXCLUDED.delivered_on, buildings = EXCLUDED.buildings,
                    warranty_promises = EXCLUDED.warranty_promises, updated_at = now()
                """)
    }

    /// Inserts the entries that are not there yet (seeding never overwrites what staff changed); returns how many.
    func seed(_ entries: [ProjectDelivery]) async throws -> Int {
        var inserted = 0
        for entry in entries where try await write(entry, onConflict: "DO NOTHING") { inserted += 1 }
        return inserted
    }

    /// Writes `entry`; returns whether a row was inserted (not updated or left alone).
    private func write(_ entry: ProjectDelivery, onConflict: String) async throws -> Bool {
        let json = String(decoding: try CareLoopJSON.encode(entry), as: UTF8.self)
        let rows = try await connection.query(
            """
            INSERT INTO projects (project, city, delivered_on, buildings, warranty_promises)
            SELECT \(entry.project), \(entry.city), \(entry.deliveredOn?.description)::date,
                   (\(json)::jsonb)->'buildings', (\(json)::jsonb)->'warranty_promises'
            ON CONFLICT (project) \(unescaped: onConflict)
            RETURNING (xmax = 0)
            """, logger: logger)
        var inserted = false
        for try await isNew in rows.decode(Bool.self) { inserted = isNew }
        return inserted
    }

    /// A registry row as the JSON ``ProjectDelivery`` decodes.
    private static let entryJSON = """
        jsonb_strip_nulls(jsonb_build_object('project', project, 'city', city, 'delivered_on', delivered_on,
            'buildings', buildings, 'warranty_promises', warranty_promises))::text
        """

    private func entries(_ query: PostgresQuery) async throws -> [ProjectDelivery] {
        var result: [ProjectDelivery] = []
        for try await text in try await connection.query(query, logger: logger).decode(String.self) {
            result.append(try CareLoopJSON.decode(ProjectDelivery.self, from: Array(text.utf8)))
        }
        return result
    }
}
