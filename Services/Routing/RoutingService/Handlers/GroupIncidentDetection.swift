import CareLoopContracts
import CareLoopRuntime
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Group-incident detection for a batch of newly routed cases, inside the batch's transaction.
///
/// Per (city, project, category) it takes an advisory lock first, so decisions for one key are serialized across
/// consumers and replicas, and reads the reports committed before it: whichever transaction decides last sees the
/// whole burst, and exactly one incident opens. A case joins the key's accepting incident when it was reported
/// within the window of the incident's reports; otherwise ``GroupIncidentDetector`` decides, and an opening merges
/// every mergeable case of the key within the window around the triggering report.
enum GroupIncidentDetection {
    /// What detection changed beyond the batch's own records.
    struct Outcome {
        /// Batch cases merged (their inserted rows need updating).
        var mergedFresh: [UUID] = []
        /// Earlier cases merged into an incident, locked and changed.
        var members: [CaseRecord] = []
    }

    static func run(
        on fresh: inout [CaseRecord], rules: RoutingRules, now: Date, connection: PostgresConnection, logger: Logger
    ) async throws -> Outcome {
        let kinds = rules.groupIncidentKinds
        func key(_ record: CaseRecord) -> GroupIncidentKey? {
            guard record.state == .routed, record.data.ownerID != nil, kinds.contains(record.data.kind),
                record.data.category != Classifier.triageCategory
            else { return nil }
            return GroupIncidentKey(city: record.data.property.city, project: record.data.property.project, category: record.data.category)
        }
        let candidates = fresh.indices.compactMap { index in key(fresh[index]).map { (index, $0) } }
        guard !candidates.isEmpty else { return Outcome() }
        let keys = Set(candidates.map(\.1)).sorted()
        try await GroupIncidentStore.lock(keys, connection: connection, logger: logger)
        var accepting = try await GroupIncidentStore.accepting(keys, connection: connection, logger: logger)
        func window(_ key: GroupIncidentKey) -> TimeInterval {
            rules.casePolicies.policy(city: key.city, project: key.project).groupIncident.window.timeInterval
        }
        // Reports are read only for keys where a case may have to be decided: no accepting incident, or a case
        // outside its span (a key with an incident, the busy case, costs no report query).
        let ranges = keys.compactMap { key -> (key: GroupIncidentKey, from: Date, to: Date)? in
            let span = window(key)
            let times = candidates.filter { $0.1 == key }.map { fresh[$0.0].registeredAt }
            if let incident = accepting[key],
                times.allSatisfy({ $0 >= incident.firstReportAt.addingTimeInterval(-span) && $0 <= incident.lastReportAt.addingTimeInterval(span) })
            {
                return nil
            }
            return (key: key, from: times.min()!.addingTimeInterval(-span), to: times.max()!.addingTimeInterval(span))
        }
        let reports = ranges.isEmpty
            ? [:] : try await GroupIncidentStore.reports(ranges, kinds: kinds.map(\.rawValue), connection: connection, logger: logger)

        var outcome = Outcome()
        var extended: [String: Date] = [:]  // incidents joined, with their latest report
        for key in keys {
            let policy = rules.casePolicies.policy(city: key.city, project: key.project)
            let span = window(key)
            let indices = candidates.filter { $0.1 == key }.map(\.0).sorted { fresh[$0].registeredAt < fresh[$1].registeredAt }
            for index in indices where fresh[index].state == .routed {
                let reportedAt = fresh[index].registeredAt
                if let incident = accepting[key] {
                    if reportedAt > incident.lastReportAt.addingTimeInterval(span) {
                        // The incident's window has passed: a new burst is a new incident.
                        try await GroupIncidentStore.stopAccepting(incident.id, connection: connection, logger: logger)
                        accepting[key] = nil
                    } else if reportedAt >= incident.firstReportAt.addingTimeInterval(-span) {
                        try merge(&fresh[index], into: incident, rules: rules, now: now, reason: "joined group incident \(incident.id)")
                        outcome.mergedFresh.append(fresh[index].caseID)
                        accepting[key]?.lastReportAt = max(incident.lastReportAt, reportedAt)
                        extended[incident.id] = max(extended[incident.id] ?? reportedAt, reportedAt)
                        continue
                    } else {
                        continue  // a late report from before the incident's window: not part of it
                    }
                }
                let detector = GroupIncidentDetector(defaults: policy.groupIncident)
                let report = GroupIncidentReport(
                    ownerID: fresh[index].data.ownerID ?? "", project: key.project, category: key.category, reportedAt: reportedAt)
                guard case .open(_, _, let owners) = detector.evaluate(report, recentReports: reports[key] ?? [], openIncidents: [])
                else { continue }

                // Open: every mergeable case of the key within the window around the triggering report joins.
                let from = reportedAt.addingTimeInterval(-span)
                let to = reportedAt.addingTimeInterval(span)
                let batchMembers = indices.filter {
                    fresh[$0].state == .routed && fresh[$0].registeredAt >= from && fresh[$0].registeredAt <= to
                }
                let earlierIDs = try await GroupIncidentStore.mergeableCases(
                    key, from: from, to: to, excluding: fresh.map(\.caseID), connection: connection, logger: logger)
                var earlier = try await CaseStore.lock(earlierIDs, connection: connection, logger: logger)
                let times = batchMembers.map { fresh[$0].registeredAt } + earlier.map(\.registeredAt)
                let incident = AcceptingGroupIncident(
                    id: "GI-\(UUIDv7.make(at: now).uuidString.lowercased())", commander: policy.commander,
                    firstReportAt: times.min() ?? reportedAt, lastReportAt: times.max() ?? reportedAt)
                try await GroupIncidentStore.open(
                    id: incident.id, key: key, commander: incident.commander, at: now, openedBy: fresh[index].caseID,
                    owners: owners.count, firstReportAt: incident.firstReportAt, lastReportAt: incident.lastReportAt,
                    connection: connection, logger: logger)
                let reason = """
                    group incident \(incident.id): \(owners.count) owners of \(key.project) reported \(key.category) \
                    within \(Int(span / 3600)) h; commander \(incident.commander)
                    """
                for member in batchMembers {
                    try merge(&fresh[member], into: incident, rules: rules, now: now, reason: reason)
                    outcome.mergedFresh.append(fresh[member].caseID)
                }
                for position in earlier.indices {
                    try? merge(&earlier[position], into: incident, rules: rules, now: now, reason: reason)  // a resolved case stays
                }
                outcome.members += earlier.filter { $0.state == .merged }
                accepting[key] = incident
                Counter(label: "careloop_routing_group_incidents_opened_total").increment()
                logger.notice(
                    "Group incident opened",
                    metadata: [
                        "group_incident_id": "\(incident.id)", "project": "\(key.project)", "category": "\(key.category)",
                        "owners": "\(owners.count)", "cases": "\(batchMembers.count + outcome.members.count)",
                    ])
            }
        }
        try await GroupIncidentStore.extend(extended, connection: connection, logger: logger)
        return outcome
    }

    private static func merge(
        _ record: inout CaseRecord, into incident: AcceptingGroupIncident, rules: RoutingRules, now: Date, reason: String
    ) throws(CaseActionRefused) {
        try record.merge(into: incident.id, commander: incident.commander, at: now, rules: rules.context(for: record), reason: reason)
    }
}
