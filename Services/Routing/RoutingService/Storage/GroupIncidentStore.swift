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

    /// For each window (a key and its bounds), the cases registered within it that can still be merged, excluding
    /// `excluded`, in case-id order; `opening` is the window's position in `windows`.
    static func mergeableCases(
        _ windows: [(key: GroupIncidentKey, from: Date, to: Date)], excluding excluded: [UUID], connection: PostgresConnection,
        logger: Logger
    ) async throws -> [(opening: Int, caseID: UUID)] {
        guard !windows.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT k.position::int8, c.case_id
            FROM unnest(
                \(windows.map(\.key.city))::text[], \(windows.map(\.key.project))::text[], \(windows.map(\.key.category))::text[],
                \(windows.map(\.from))::timestamptz[], \(windows.map(\.to))::timestamptz[]
            ) WITH ORDINALITY AS k(city, project, category, low, high, position)
            JOIN cases c ON c.city = k.city AND c.project = k.project AND c.category = k.category
                AND c.registered_at BETWEEN k.low AND k.high
            WHERE c.status NOT IN ('closed', 'merged') AND NOT (c.case_id = ANY(\(excluded)::uuid[]))
            ORDER BY c.case_id
            """, logger: logger)
        var result: [(opening: Int, caseID: UUID)] = []
        for try await (position, id) in rows.decode((Int, UUID).self) { result.append((position - 1, id)) }
        return result
    }

    /// A group incident to record.
    struct NewIncident {
        var id: String
        var key: GroupIncidentKey
        var commander: String
        var openedBy: UUID
        var owners: Int
        var firstReportAt: Date
        var lastReportAt: Date
    }

    /// Records newly opened incidents, one statement for all (the unique index refuses a second accepting incident
    /// of the same key).
    static func open(_ incidents: [NewIncident], at: Date, connection: PostgresConnection, logger: Logger) async throws {
        guard !incidents.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO group_incidents (
                incident_id, city, project, category, commander, opened_at, opened_by_case, distinct_owners, first_report_at,
                last_report_at)
            SELECT u.id, u.city, u.project, u.category, u.commander, \(at), u.opened_by, u.owners, u.first_report_at,
                u.last_report_at
            FROM unnest(
                \(incidents.map(\.id))::text[], \(incidents.map(\.key.city))::text[], \(incidents.map(\.key.project))::text[],
                \(incidents.map(\.key.category))::text[], \(incidents.map(\.commander))::text[], \(incidents.map(\.openedBy))::uuid[],
                \(incidents.map(\.owners))::int[], \(incidents.map(\.firstReportAt))::timestamptz[],
                \(incidents.map(\.lastReportAt))::timestamptz[]
            ) AS u(id, city, project, category, commander, opened_by, owners, first_report_at, last_report_at)
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
