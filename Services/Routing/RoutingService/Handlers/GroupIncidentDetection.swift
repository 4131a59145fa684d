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
        let accepting = try await GroupIncidentStore.accepting(keys, connection: connection, logger: logger)
        let byKey = Dictionary(
            uniqueKeysWithValues: keys.map { key in
                (key, candidates.filter { $0.1 == key }.map(\.0).sorted { fresh[$0].registeredAt < fresh[$1].registeredAt })
            })
        // Reports are read only for keys where a case may have to be decided: no accepting incident, or a case
        // outside its span (a key with an incident, the busy case, costs no report query).
        let ranges = keys.compactMap { key -> (key: GroupIncidentKey, from: Date, to: Date)? in
            let span = window(key, rules: rules)
            let times = (byKey[key] ?? []).map { fresh[$0].registeredAt }
            if let incident = accepting[key],
                times.allSatisfy({ $0 >= incident.firstReportAt.addingTimeInterval(-span) && $0 <= incident.lastReportAt.addingTimeInterval(span) })
            {
                return nil
            }
            return (key: key, from: times.min()!.addingTimeInterval(-span), to: times.max()!.addingTimeInterval(span))
        }
        let reports = ranges.isEmpty
            ? [:] : try await GroupIncidentStore.reports(ranges, kinds: kinds.map(\.rawValue), connection: connection, logger: logger)

        var pass = Pass(
            fresh: fresh, rules: rules, now: now, accepting: accepting, reports: reports, candidates: byKey,
            remaining: byKey.mapValues { $0[...] })
        // Rounds: every key is walked up to its first opening, then the round's openings are made together (one
        // query for their earlier cases, one lock, one insert), and those keys walk on. A second opening of a key in
        // one batch (a burst past its incident's window) takes another round.
        var walking = keys
        while !walking.isEmpty {
            var openings: [Opening] = []
            for key in walking {
                if let opening = try await pass.walk(key, connection: connection, logger: logger) { openings.append(opening) }
            }
            try await pass.open(openings, connection: connection, logger: logger)
            walking = openings.map(\.key)
        }
        try await GroupIncidentStore.extend(pass.extended, connection: connection, logger: logger)
        fresh = pass.fresh
        return pass.outcome
    }

    /// How close together a key's reports must be (its project's group-incident window).
    private static func window(_ key: GroupIncidentKey, rules: RoutingRules) -> TimeInterval {
        rules.casePolicies.policy(city: key.city, project: key.project).groupIncident.window.timeInterval
    }

    /// A batch case whose report opens an incident of its key, with the window around it.
    private struct Opening {
        var key: GroupIncidentKey
        var index: Int
        var owners: Int
        var from: Date
        var to: Date
    }

    /// The state of one detection: the batch's records, each key's accepting incident and the candidates still to
    /// decide.
    private struct Pass {
        var fresh: [CaseRecord]
        let rules: RoutingRules
        let now: Date
        var accepting: [GroupIncidentKey: AcceptingGroupIncident]
        let reports: [GroupIncidentKey: [GroupIncidentReport]]
        /// Per key, the batch's candidates in report order.
        let candidates: [GroupIncidentKey: [Int]]
        /// Per key, the candidates not decided yet, in report order.
        var remaining: [GroupIncidentKey: ArraySlice<Int>]
        var outcome = Outcome()
        /// Incidents joined, with their latest report.
        var extended: [String: Date] = [:]

        /// Decides `key`'s remaining candidates in report order (joining its accepting incident, or not), up to the
        /// first that opens an incident; returns that opening, or `nil` when the key is done.
        mutating func walk(_ key: GroupIncidentKey, connection: PostgresConnection, logger: Logger) async throws -> Opening? {
            let policy = rules.casePolicies.policy(city: key.city, project: key.project)
            let span = GroupIncidentDetection.window(key, rules: rules)
            while let index = remaining[key]?.popFirst() {
                guard fresh[index].state == .routed else { continue }
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
                return Opening(
                    key: key, index: index, owners: owners.count, from: reportedAt.addingTimeInterval(-span),
                    to: reportedAt.addingTimeInterval(span))
            }
            return nil
        }

        /// Opens the incidents of `openings` (distinct keys): every mergeable case of the key within the window
        /// around the triggering report joins, from the batch and from earlier batches. The earlier cases are read
        /// and locked in one statement, in case-id order like every writer.
        mutating func open(_ openings: [Opening], connection: PostgresConnection, logger: Logger) async throws {
            guard !openings.isEmpty else { return }
            let excluded = fresh.map(\.caseID) + outcome.members.map(\.caseID)
            let earlierIDs = try await GroupIncidentStore.mergeableCases(
                openings.map { ($0.key, $0.from, $0.to) }, excluding: excluded, connection: connection, logger: logger)
            let locked = try await CaseStore.lock(earlierIDs.map(\.caseID), connection: connection, logger: logger)
            var earlierByOpening = [[CaseRecord]](repeating: [], count: openings.count)
            let positions = Dictionary(earlierIDs.map { ($0.caseID, $0.opening) }, uniquingKeysWith: { first, _ in first })
            for record in locked {
                if let position = positions[record.caseID] { earlierByOpening[position].append(record) }
            }
            var incidents: [(opening: Opening, incident: AcceptingGroupIncident)] = []
            for (position, opening) in openings.enumerated() {
                let key = opening.key
                let batchMembers = (candidates[key] ?? []).filter {
                    fresh[$0].state == .routed && fresh[$0].registeredAt >= opening.from && fresh[$0].registeredAt <= opening.to
                }  // the triggering case included
                let times = batchMembers.map { fresh[$0].registeredAt } + earlierByOpening[position].map(\.registeredAt)
                let incident = AcceptingGroupIncident(
                    id: "GI-\(UUIDv7.make(at: now).uuidString.lowercased())",
                    commander: rules.casePolicies.policy(city: key.city, project: key.project).commander,
                    firstReportAt: times.min() ?? fresh[opening.index].registeredAt,
                    lastReportAt: times.max() ?? fresh[opening.index].registeredAt)
                incidents.append((opening, incident))
                let reason = """
                    group incident \(incident.id): \(opening.owners) owners of \(key.project) reported \(key.category) \
                    within \(Int(GroupIncidentDetection.window(key, rules: rules) / 3600)) h; commander \(incident.commander)
                    """
                for member in batchMembers {
                    try merge(&fresh[member], into: incident, rules: rules, now: now, reason: reason)
                    outcome.mergedFresh.append(fresh[member].caseID)
                }
                var earlier = earlierByOpening[position]
                for index in earlier.indices {
                    try? merge(&earlier[index], into: incident, rules: rules, now: now, reason: reason)  // a resolved case stays
                }
                let members = earlier.filter { $0.state == .merged }
                outcome.members += members
                accepting[key] = incident
                Counter(label: "careloop_routing_group_incidents_opened_total").increment()
                logger.notice(
                    "Group incident opened",
                    metadata: [
                        "group_incident_id": "\(incident.id)", "project": "\(key.project)", "category": "\(key.category)",
                        "owners": "\(opening.owners)", "cases": "\(batchMembers.count + members.count)",
                    ])
            }
            try await GroupIncidentStore.open(
                incidents.map { entry in
                    GroupIncidentStore.NewIncident(
                        id: entry.incident.id, key: entry.opening.key, commander: entry.incident.commander,
                        openedBy: fresh[entry.opening.index].caseID, owners: entry.opening.owners,
                        firstReportAt: entry.incident.firstReportAt, lastReportAt: entry.incident.lastReportAt)
                }, at: now, connection: connection, logger: logger)
        }
    }

    private static func merge(
        _ record: inout CaseRecord, into incident: AcceptingGroupIncident, rules: RoutingRules, now: Date, reason: String
    ) throws(CaseActionRefused) {
        try record.merge(into: incident.id, commander: incident.commander, at: now, rules: rules.context(for: record), reason: reason)
    }
}
