import CareLoopContracts
import CareLoopStorage
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Intake's SQL for the property registry (`cities`, `projects`, `property_seeds`).
struct PropertyRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Upserts every city and project of `document` (entries it does not name stay as they are); one round trip
    /// per table.
    func upsert(_ document: PropertyDocument) async throws {
        let cities = document.cities
        guard !cities.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO cities (city, name, reference_prefix, time_zone, language)
            SELECT * FROM unnest(\(cities.map(\.code))::text[], \(cities.map(\.name))::text[],
                \(cities.map(\.referencePrefix))::text[], \(cities.map(\.timeZone))::text[], \(cities.map(\.language))::text[])
            ON CONFLICT (city) DO UPDATE SET
                name = EXCLUDED.name, reference_prefix = EXCLUDED.reference_prefix, time_zone = EXCLUDED.time_zone,
                language = EXCLUDED.language, updated_at = now()
            """, logger: logger)
        let projects = cities.flatMap { city in city.projects.map { (city: city.code, project: $0) } }
        guard !projects.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO projects (city, project, name, active)
            SELECT * FROM unnest(\(projects.map(\.city))::text[], \(projects.map(\.project.code))::text[],
                \(projects.map(\.project.name))::text[], \(projects.map(\.project.active))::bool[])
            ON CONFLICT (city, project) DO UPDATE SET name = EXCLUDED.name, active = EXCLUDED.active, updated_at = now()
            """, logger: logger)
    }

    /// Applies `seed` unless a seed with the same content was applied before; returns whether it applied it.
    func applySeed(_ seed: PropertyDocument) async throws -> Bool {
        let checksum = SHA256.hash(data: try CareLoopJSON.canonical(seed)).map { String(format: "%02x", $0) }.joined()
        let fresh = try await connection.query(
            "INSERT INTO property_seeds (checksum) VALUES (\(checksum)) ON CONFLICT DO NOTHING RETURNING checksum",
            logger: logger
        ).collect()
        guard !fresh.isEmpty else { return false }
        try await upsert(seed)
        return true
    }

    /// The whole registry as stored.
    func load() async throws -> PropertyDocument {
        var projects: [String: [PropertyProject]] = [:]
        let projectRows = try await connection.query(
            "SELECT city, project, name, active FROM projects ORDER BY city, project", logger: logger)
        for try await (city, code, name, active) in projectRows.decode((String, String, String, Bool).self) {
            projects[city, default: []].append(PropertyProject(code: code, name: name, active: active))
        }
        var cities: [PropertyCity] = []
        let cityRows = try await connection.query(
            "SELECT city, name, reference_prefix, time_zone, language FROM cities ORDER BY city", logger: logger)
        for try await (code, name, prefix, timeZone, language) in cityRows.decode((String, String, String, String, String).self) {
            cities.append(
                PropertyCity(
                    code: code, name: name, referencePrefix: prefix, timeZone: timeZone, language: language,
                    projects: projects[code] ?? []))
        }
        return PropertyDocument(cities: cities)
    }
}
