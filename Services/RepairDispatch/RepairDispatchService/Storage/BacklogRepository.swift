import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// A project's repair backlog: what is open, who has it, how far the plan reaches, per delivery wave.
struct ProjectBacklog: Codable, Sendable {
    /// One building's open orders of one trade (a delivery wave's planning unit).
    struct Group: Codable, Sendable {
        var building: String?
        var skill: String
        var open: Int
        var unassigned: Int
        var technicians: Int
        var firstDay: LocalDate?
        var lastDay: LocalDate?

        enum CodingKeys: String, CodingKey {
            case building, skill, open, unassigned, technicians
            case firstDay = "first_day"
            case lastDay = "last_day"
        }
    }

    /// Open orders planned for one day.
    struct Day: Codable, Sendable {
        var day: LocalDate
        var orders: Int
        var technicians: Int
    }

    /// One inspection batch's orders.
    struct Batch: Codable, Sendable {
        var batch: String
        var orders: Int
        var open: Int
        var completed: Int
    }

    var project: String
    var asOf: Timestamp
    /// Orders by status (all time).
    var byStatus: [String: Int]
    /// Orders not completed, verified or cancelled.
    var open: Int
    /// Open orders nobody has (escalated as nobody suitable).
    var unassigned: Int
    /// Open orders offered to a crew that has not accepted yet.
    var awaitingAcceptance: Int
    /// Open orders past their contact deadline without contact.
    var contactOverdue: Int
    /// Open escalations.
    var openEscalations: Int
    /// When the oldest open request came in.
    var oldestOpenRequestedAt: Timestamp?
    var byPlannedDay: [Day]
    var byGroup: [Group]
    var inspectionBatches: [Batch]

    enum CodingKeys: String, CodingKey {
        case project, open, unassigned
        case asOf = "as_of"
        case byStatus = "by_status"
        case awaitingAcceptance = "awaiting_acceptance"
        case contactOverdue = "contact_overdue"
        case openEscalations = "open_escalations"
        case oldestOpenRequestedAt = "oldest_open_requested_at"
        case byPlannedDay = "by_planned_day"
        case byGroup = "by_group"
        case inspectionBatches = "inspection_batches"
    }
}

/// The backlog report's SQL (served by `work_orders_project_status`).
struct BacklogRepository {
    let connection: PostgresConnection
    let logger: Logger

    private static let open = "status NOT IN ('completed', 'verified', 'cancelled')"

    func backlog(of project: String, now: Date) async throws -> ProjectBacklog {
        var byStatus: [String: Int] = [:]
        for try await (status, count) in try await connection.query(
            "SELECT status, count(*)::int FROM work_orders WHERE project = \(project) GROUP BY status", logger: logger
        ).decode((String, Int).self) {
            byStatus[status] = count
        }
        let summary = try await connection.query(
            """
            SELECT count(*)::int,
                   count(*) FILTER (WHERE technician_id IS NULL AND offered_to IS NULL)::int,
                   count(*) FILTER (WHERE technician_id IS NULL AND offered_to IS NOT NULL)::int,
                   count(*) FILTER (WHERE contacted_at IS NULL AND contact_by < \(now))::int,
                   min(requested_at)
            FROM work_orders WHERE project = \(project) AND \(unescaped: Self.open)
            """, logger: logger
        ).collect().first
        let (open, unassigned, awaiting, overdue, oldest) =
            try summary?.decode((Int, Int, Int, Int, Date?).self) ?? (0, 0, 0, 0, nil)
        let escalations = try await connection.queryValue(
            """
            SELECT count(*)::int FROM escalations e JOIN work_orders w USING (work_order_id)
            WHERE w.project = \(project) AND e.resolved_at IS NULL
            """, as: Int.self, logger: logger) ?? 0

        var days: [ProjectBacklog.Day] = []
        for try await (day, orders, technicians) in try await connection.query(
            """
            SELECT planned_day::text, count(*)::int, count(DISTINCT coalesce(technician_id, offered_to))::int
            FROM work_orders WHERE project = \(project) AND \(unescaped: Self.open) AND planned_day IS NOT NULL
            GROUP BY planned_day ORDER BY planned_day
            """, logger: logger
        ).decode((String, Int, Int).self) {
            if let day = LocalDate(day) { days.append(.init(day: day, orders: orders, technicians: technicians)) }
        }
        var groups: [ProjectBacklog.Group] = []
        for try await (building, skill, count, unassigned, technicians, first, last) in try await connection.query(
            """
            SELECT building, skill, count(*)::int,
                   count(*) FILTER (WHERE technician_id IS NULL AND offered_to IS NULL)::int,
                   count(DISTINCT coalesce(technician_id, offered_to))::int, min(planned_day)::text, max(planned_day)::text
            FROM work_orders WHERE project = \(project) AND \(unescaped: Self.open)
            GROUP BY building, skill ORDER BY building NULLS FIRST, skill
            """, logger: logger
        ).decode((String?, String, Int, Int, Int, String?, String?).self) {
            groups.append(
                .init(
                    building: building, skill: skill, open: count, unassigned: unassigned, technicians: technicians,
                    firstDay: first.flatMap(LocalDate.init), lastDay: last.flatMap(LocalDate.init)))
        }
        var batches: [ProjectBacklog.Batch] = []
        for try await (batch, orders, openCount, completed) in try await connection.query(
            """
            SELECT inspection_batch, count(*)::int, count(*) FILTER (WHERE \(unescaped: Self.open))::int,
                   count(*) FILTER (WHERE status IN ('completed', 'verified'))::int
            FROM work_orders WHERE project = \(project) AND inspection_batch IS NOT NULL
            GROUP BY inspection_batch ORDER BY inspection_batch
            """, logger: logger
        ).decode((String, Int, Int, Int).self) {
            batches.append(.init(batch: batch, orders: orders, open: openCount, completed: completed))
        }
        return ProjectBacklog(
            project: project, asOf: Timestamp(now), byStatus: byStatus, open: open, unassigned: unassigned,
            awaitingAcceptance: awaiting, contactOverdue: overdue, openEscalations: escalations,
            oldestOpenRequestedAt: oldest.map(Timestamp.init), byPlannedDay: days, byGroup: groups, inspectionBatches: batches)
    }
}
