import Foundation
import Logging
import PostgresNIO

/// The scope of a group incident: one category in one project of one city.
struct GroupIncidentKey: Hashable, Sendable, Comparable {
    var city: String
    var project: String
    var category: String

    /// The advisory-lock name, e.g. `shenzhen|SZ-FSG|engineering.leakage`.
    var lockName: String { "\(city)|\(project)|\(category)" }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.lockName < rhs.lockName }
}

/// A group incident that still takes new members.
struct AcceptingGroupIncident: Sendable {
    var id: String
    var commander: String
    var firstReportAt: Date
    var lastReportAt: Date
}

/// The `group_incidents` table and the report queries group-incident detection needs.
enum GroupIncidentStore {
    /// Serializes group-incident decisions per key across transactions, consumers and replicas: takes a
    /// transaction-scoped advisory lock per key (of this schema), in sorted order so two batches never deadlock.
    static func lock(_ keys: [GroupIncidentKey], connection: PostgresConnection, logger: Logger) async throws {
        guard !keys.isEmpty else { return }
        let names = Set(keys.map(\.lockName)).sorted()
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/group-incident/' || s.name, 0))
            FROM (SELECT name FROM unnest(\(names)::text[]) AS name ORDER BY name) AS s
            """, logger: logger)
    }

    /// The incident of each key that still takes members.
    static func accepting(_ keys: [GroupIncidentKey], connection: PostgresConnection, logger: Logger) async throws
        -> [GroupIncidentKey: AcceptingGroupIncident]
    {
        let rows = try await connection.query(
            """
            SELECT g.city, g.project, g.category, g.incident_id, g.commander, g.first_report_at, g.last_report_at
            FROM group_incidents g
            JOIN unnest(\(keys.map(\.city))::text[], \(keys.map(\.project))::text[], \(keys.map(\.category))::text[])
                AS k(city, project, category)
                ON g.city = k.city AND g.project = k.project AND g.category = k.category
            WHERE g.accepting_members
            """, logger: logger)
        var result: [GroupIncidentKey: AcceptingGroupIncident] = [:]
        for try await (city, project, category, id, commander, first, last) in rows.decode((String, String, String, String, String, Date, Date).self) {
            result[GroupIncidentKey(city: city, project: project, category: category)] = AcceptingGroupIncident(
                id: id, commander: commander, firstReportAt: first, lastReportAt: last)
        }
        return result
    }

    /// Reports (owner and time) of each key between its bounds, of the given kinds, any state: a closed case still
    /// counts as a report.
    static func reports(
        _ ranges: [(key: GroupIncidentKey, from: Date, to: Date)], kinds: [String], connection: PostgresConnection, logger: Logger
    ) async throws -> [GroupIncidentKey: [GroupIncidentReport]] {
        let rows = try await connection.query(
            """
            SELECT c.city, c.project, c.category, c.owner_id, c.registered_at
            FROM unnest(
                \(ranges.map(\.key.city))::text[], \(ranges.map(\.key.project))::text[], \(ranges.map(\.key.category))::text[],
                \(ranges.map(\.from))::timestamptz[], \(ranges.map(\.to))::timestamptz[]) AS k(city, project, category, low, high)
            JOIN cases c ON c.city = k.city AND c.project = k.project AND c.category = k.category
                AND c.registered_at BETWEEN k.low AND k.high
            WHERE c.owner_id IS NOT NULL AND c.kind = ANY(\(kinds)::text[])
            """, logger: logger)
        var result: [GroupIncidentKey: [GroupIncidentReport]] = [:]
        for try await (city, project, category, owner, at) in rows.decode((String, String, String, String, Date).self) {
            result[GroupIncidentKey(city: city, project: project, category: category), default: []].append(
                GroupIncidentReport(ownerID: owner, project: project, category: category, reportedAt: at))
        }
        return result
    }

    /// Cases of `key` registered between the bounds that can still be merged, excluding `excluded`.
    static func mergeableCases(
        _ key: GroupIncidentKey, from: Date, to: Date, excluding excluded: [UUID], connection: PostgresConnection, logger: Logger
    ) async throws -> [UUID] {
        let rows = try await connection.query(
            """
            SELECT case_id FROM cases
            WHERE city = \(key.city) AND project = \(key.project) AND category = \(key.category)
                AND registered_at BETWEEN \(from) AND \(to)
                AND status NOT IN ('closed', 'merged') AND NOT (case_id = ANY(\(excluded)::uuid[]))
            ORDER BY case_id
            """, logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// Records a newly opened incident (the unique index refuses a second accepting incident of the same key).
    static func open(
        id: String, key: GroupIncidentKey, commander: String, at: Date, openedBy: UUID, owners: Int, firstReportAt: Date,
        lastReportAt: Date, connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO group_incidents (
                incident_id, city, project, category, commander, opened_at, opened_by_case, distinct_owners, first_report_at,
                last_report_at)
            VALUES (\(id), \(key.city), \(key.project), \(key.category), \(commander), \(at), \(openedBy), \(owners),
                \(firstReportAt), \(lastReportAt))
            """, logger: logger)
    }

    /// Extends incidents' spans of reports to the given latest reports (never earlier).
    static func extend(_ latest: [String: Date], connection: PostgresConnection, logger: Logger) async throws {
        guard !latest.isEmpty else { return }
        try await connection.query(
            """
            UPDATE group_incidents AS g SET last_report_at = greatest(g.last_report_at, u.at)
            FROM unnest(\(Array(latest.keys))::text[], \(Array(latest.values))::timestamptz[]) AS u(id, at)
            WHERE g.incident_id = u.id
            """, logger: logger)
    }

    /// Stops an incident from taking members (its window has passed); a new burst opens a new incident.
    static func stopAccepting(_ id: String, connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE group_incidents SET accepting_members = false WHERE incident_id = \(id)", logger: logger)
    }
}
