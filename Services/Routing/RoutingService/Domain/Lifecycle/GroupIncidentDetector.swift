import CareLoopContracts
import Foundation

/// One owner report as the group incident detector sees it.
package struct GroupIncidentReport: Hashable, Sendable {
    /// The company's owner id.
    package var ownerID: String
    /// The project (小区) code.
    package var project: String
    /// The report's dotted category.
    package var category: String
    /// When the owner reported it.
    package var reportedAt: Date

    /// Makes a report.
    package init(ownerID: String, project: String, category: String, reportedAt: Date) {
        self.ownerID = ownerID
        self.project = project
        self.category = category
        self.reportedAt = reportedAt
    }
}

/// A group incident still open for one project and category.
package struct OpenGroupIncident: Hashable, Sendable {
    /// The incident's id.
    package var id: String
    /// The project.
    package var project: String
    /// The category.
    package var category: String

    /// Makes an open incident.
    package init(id: String, project: String, category: String) {
        self.id = id
        self.project = project
        self.category = category
    }
}

/// When a group incident opens: this many distinct owners within this window.
package struct GroupIncidentThresholds: Hashable, Sendable {
    /// Distinct owners of one project reporting one category (default 5).
    package var distinctOwners: Int = 5
    /// The look-back window, inclusive at its start (default 72 hours).
    package var window: Duration = .seconds(72 * 3600)

    /// Thresholds; the defaults are CareLoop's (5 owners within 72 hours).
    package init(distinctOwners: Int = 5, window: Duration = .seconds(72 * 3600)) {
        self.distinctOwners = distinctOwners
        self.window = window
    }
}

/// What a new report means for group incidents.
package enum GroupIncidentDecision: Hashable, Sendable {
    /// Not (yet) a group incident.
    case none
    /// Open a new incident for the report's project and category, covering these distinct owners (sorted).
    case open(project: String, category: String, ownerIDs: [String])
    /// Join the open incident with this id.
    case join(incidentID: String)
}

/// Decides whether a new report opens a group incident (群诉), joins an open one, or neither. Pure.
///
/// A report joins an open incident of the same project and category. Otherwise it looks at every window of the
/// configured length that contains the new report and counts the distinct owners (the new report's included; one
/// owner twice counts once) of reports of the same project and category inside it, both ends inclusive: a report
/// exactly `window` before or after counts, a moment more does not. Reports made after the new one count too,
/// because reports arrive out of order (several partitions and replicas route them concurrently), so whichever
/// report of a burst is decided last sees the whole burst. The incident opens when a window reaches the threshold.
package struct GroupIncidentDetector: Hashable, Sendable {
    /// Thresholds for projects without their own.
    package var defaults: GroupIncidentThresholds
    /// Thresholds per project code.
    package var perProject: [String: GroupIncidentThresholds]

    /// A detector with default and per-project thresholds.
    package init(defaults: GroupIncidentThresholds = .init(), perProject: [String: GroupIncidentThresholds] = [:]) {
        self.defaults = defaults
        self.perProject = perProject
    }

    /// The thresholds that apply to `project`.
    package func thresholds(for project: String) -> GroupIncidentThresholds {
        perProject[project] ?? defaults
    }

    /// The decision for `report`, given other recent reports and the incidents still open.
    package func evaluate(
        _ report: GroupIncidentReport, recentReports: [GroupIncidentReport], openIncidents: [OpenGroupIncident]
    ) -> GroupIncidentDecision {
        if let incident = openIncidents.first(where: { $0.project == report.project && $0.category == report.category }) {
            return .join(incidentID: incident.id)
        }
        let limits = thresholds(for: report.project)
        let window = limits.window.timeInterval
        let related = (recentReports.filter {
            $0.project == report.project && $0.category == report.category
                && abs($0.reportedAt.timeIntervalSince(report.reportedAt)) <= window
        } + [report]).sorted { $0.reportedAt < $1.reportedAt }
        // Every window holding the new report starts at or before it, and the busiest one starts at some report's
        // time: slide over the starts in time order, adding reports up to start + window and dropping the start.
        var owners: [String: Int] = [:]
        var end = related.startIndex
        var found: [String]?
        for start in related where start.reportedAt <= report.reportedAt {
            let limit = start.reportedAt.addingTimeInterval(window)
            while end < related.endIndex && related[end].reportedAt <= limit {
                owners[related[end].ownerID, default: 0] += 1
                end += 1
            }
            if owners.count >= limits.distinctOwners {
                found = Array(owners.keys)
                break
            }
            if let count = owners[start.ownerID], count > 1 { owners[start.ownerID] = count - 1 } else { owners[start.ownerID] = nil }
        }
        guard let owners = found else { return .none }
        return .open(project: report.project, category: report.category, ownerIDs: owners.sorted())
    }
}
