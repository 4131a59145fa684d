import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Takes ownership of every registered case: classifies it, grades its severity, picks its time rule, starts its
/// SLA clock and its timers, decides whether it needs a work order and whether the complaint is valid, escalates
/// major cases at once, detects group incidents, records all of it (with the rule that matched, for audit) and
/// emits `careloop.case.routed` (then `escalated` and `merged` where due) through the outbox, in the batch's
/// transaction. Set-based: a batch costs a fixed number of statements, not a few per case.
struct CaseRegisteredHandler: CloudEventHandler {
    let ruleBook: RuleBook
    let eventSource: String
    /// Which process routed the case (`host/pid`), recorded for audit.
    let replica: String

    var acceptedTypes: Set<EventType> { [.caseRegistered] }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        let rules = await ruleBook.rules
        let now = Date()
        var rejections: [EventRejection] = []
        var registered: [(data: CaseEventData, caseID: UUID, inbound: InboundEvent)] = []
        var seen: Set<UUID> = []
        for (index, inbound) in events.enumerated() {
            switch CaseEventData.parse(json: inbound.event.data) {
            case .success(let data):
                guard let caseID = UUID(uuidString: data.caseID) else {
                    rejections.append(EventRejection(index: index, errorClass: "validation", message: "case_id: not a UUID"))
                    continue
                }
                if seen.insert(caseID).inserted { registered.append((data, caseID, inbound)) }
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
            }
        }
        guard !registered.isEmpty else { return rejections }

        let counts = try await ownerReportCounts(
            registered.map(\.data), window: rules.severityRules.repeatWindow, connection: connection, logger: logger)
        var decided: [(record: CaseRecord, decision: RoutingDecision)] = []
        for (position, entry) in registered.enumerated() {
            let decision = rules.decide(entry.data, ownerReportsInWindow: counts[position], registeredAt: entry.data.occurredAt.date)
            let context = rules.context(
                city: entry.data.property.city, project: entry.data.property.project, timeRule: decision.timeRule)
            decided.append((CaseRecord.routed(entry.data, caseID: entry.caseID, decision: decision, at: now, rules: context), decision))
        }
        let inserted = try await CaseStore.insertRouted(decided, routedBy: replica, connection: connection, logger: logger)
        var fresh = decided.map(\.record).filter { inserted.contains($0.caseID) }  // the others were routed before
        guard !fresh.isEmpty else { return rejections }

        let detection = try await GroupIncidentDetection.run(
            on: &fresh, rules: rules, now: now, connection: connection, logger: logger)
        try await CaseStore.update(detection.mergedFresh.compactMap { id in fresh.first { $0.caseID == id } }, connection: connection, logger: logger)
        try await CaseStore.update(detection.members, connection: connection, logger: logger)
        try await SLATimerStore.sync(fresh, now: now, fresh: true, connection: connection, logger: logger)
        try await SLATimerStore.sync(detection.members, now: now, connection: connection, logger: logger)
        let traces = Dictionary(
            registered.map { ($0.caseID, ($0.inbound.event.traceparent, $0.inbound.event.tracestate)) }, uniquingKeysWith: { first, _ in first })
        try await CaseStore.writeEffects(
            of: fresh + detection.members, eventSource: eventSource, traceparents: traces, connection: connection, logger: logger)

        Counter(label: "careloop_routing_cases_routed_total").increment(by: fresh.count)
        for record in fresh {
            logger.debug(
                "Case routed",
                metadata: [
                    "case_id": "\(record.data.caseID)", "category": "\(record.data.category)",
                    "severity": "\(record.data.severity.rawValue)", "time_rule": "\(record.timeRule.rawValue)",
                    "state": "\(record.state.rawValue)",
                ])
        }
        return rejections
    }

    /// For each case, how many cases its owner registered from `window` before it on (itself included).
    private func ownerReportCounts(
        _ cases: [CaseEventData], window: Duration, connection: PostgresConnection, logger: Logger
    ) async throws -> [Int] {
        let owners = Array(Set(cases.compactMap(\.ownerID)))
        guard !owners.isEmpty, let earliest = cases.map(\.occurredAt.date).min() else { return cases.map { _ in 1 } }
        let since = earliest.addingTimeInterval(-window.timeInterval)
        let rows = try await connection.query(
            "SELECT owner_id, registered_at FROM cases WHERE owner_id = ANY(\(owners)::text[]) AND registered_at >= \(since)",
            logger: logger)
        var byOwner: [String: [Date]] = [:]
        for try await (owner, at) in rows.decode((String, Date).self) { byOwner[owner, default: []].append(at) }
        return cases.map { data in
            guard let owner = data.ownerID else { return 1 }
            let from = data.occurredAt.date.addingTimeInterval(-window.timeInterval)
            return 1 + (byOwner[owner] ?? []).filter { $0 >= from }.count
        }
    }
}
