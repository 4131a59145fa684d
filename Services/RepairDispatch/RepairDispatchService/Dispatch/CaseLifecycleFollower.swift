import CareLoopContracts
import Logging
import Metrics
import PostgresNIO

/// Makes a case's work orders follow the case's lifecycle events (`closed`, `merged`, `reopened`) as
/// ``CaseLifecyclePolicy`` decides: cancels, escalates, records the merge, reopens or opens, in the caller's
/// transaction with the orders locked, announcing every change on `careloop.workorders.v1`.
struct CaseLifecycleFollower: Sendable {
    let opener: WorkOrderOpener

    var dispatcher: Dispatcher { opener.dispatcher }

    /// What a case event means for the orders.
    enum Reading: Sendable {
        /// A change the orders follow.
        case follow(CaseLifecycleChange)
        /// The event breaks the contract where the orders need it.
        case invalid(FieldError)
    }

    /// What `type` means for the orders, or `nil` for a case event they do not follow. A `merged` event without
    /// `group_incident_id` is invalid.
    static func reading(of type: EventType, data: CaseEventData) -> Reading? {
        switch type {
        case .caseClosed:
            return .follow(.closed(reason: data.reason))
        case .caseReopened:
            return .follow(.reopened(reason: data.reason))
        case .caseMerged:
            guard let incident = data.groupIncidentID, !incident.isEmpty else {
                return .invalid(FieldError(path: "group_incident_id", rule: .required, message: "required on careloop.case.merged"))
            }
            return .follow(.merged(groupIncidentID: incident))
        default:
            return nil
        }
    }

    /// Applies `change` of the case `data` describes to the case's orders; returns the steps taken.
    /// - Throws: ``IllegalTransition`` when an order's state does not allow a step (nothing is written then).
    @discardableResult
    func follow(
        _ change: CaseLifecycleChange, of data: CaseEventData, traceparent: String?, connection: PostgresConnection, logger: Logger
    ) async throws -> [CaseFollowUpStep] {
        await dispatcher.board.waitUntilLoaded()
        let repository = WorkOrderRepository(connection: connection, logger: logger)
        var orders = Dictionary(uniqueKeysWithValues: try await repository.lockOrders(ofCase: data.caseID).map { ($0.id, $0) })
        let ids = Array(orders.keys)
        let merges = try await repository.recordedMerges(of: ids)
        let escalated = try await EscalationRepository(connection: connection, logger: logger).openOn(ids, kind: .caseClosed)
        let snapshots = Self.snapshots(of: Array(orders.values), merges: merges, closeEscalated: escalated)
        let steps = CaseLifecyclePolicy.steps(
            for: change, at: data.occurredAt, orders: snapshots, caseNeedsWork: WorkOrderOpener.needsWork(data))
        var metadata: Logger.Metadata = ["case_id": "\(data.caseID)", "case_event": "\(change)", "orders": "\(ids.count)"]
        guard !steps.isEmpty else {
            logger.debug("Case event changes no work order", metadata: metadata)
            return []
        }

        let actor = data.actor ?? "system"
        let reason = Self.reason(for: change, of: data)
        let now = Timestamp(dispatcher.clock.now())
        let caseChange = WorkOrderChange(actor: actor, reason: reason, occurredAt: now, traceparent: traceparent)
        var effects = WorkOrderEffects(eventSource: opener.eventSource)
        var changed: [String] = []
        for step in steps {
            switch step {
            case .cancel(let id):
                guard var order = orders[id] else { continue }
                let freed = try await dispatcher.cancel(&order, change: caseChange, effects: &effects, connection: connection, logger: logger)
                if let freed, let day = order.plannedDay { await dispatcher.board.release(technicianID: freed, day: day) }
                orders[id] = order
                changed.append(id)
            case .escalateClosedDuringWork(let id):
                effects.escalations.append(
                    .init(
                        work_order_id: id, kind: .caseClosed,
                        detail: "case \(data.reference) was closed (\(reason)) while work is under way on site: finish or cancel the order"))
            case .recordMerge(let id, let incident):
                effects.log(
                    [.init(kind: "case_merged", body: .init(text: reason, group_incident_id: incident), actor: actor)], on: id)
            case .reopen(let id):
                guard var order = orders[id] else { continue }
                try await opener.reopen(
                    &order, change: caseChange, requestedAt: data.occurredAt, preferring: order.technicianID, effects: &effects,
                    connection: connection, logger: logger)
                orders[id] = order
                changed.append(id)
            case .openNew:
                _ = try await opener.open(
                    [WorkOrderOpener.RoutedCase(data: data, traceparent: traceparent, reopenedAt: data.occurredAt)], connection: connection,
                    logger: logger)
            }
            Counter(label: "careloop_repair_dispatch_case_follow_ups_total", dimensions: [("step", Self.name(of: step))]).increment()
        }
        for id in changed { try await repository.save(orders[id]!) }
        try await effects.write(connection: connection, logger: logger)
        metadata["steps"] = "\(steps.map(Self.name(of:)))"
        logger.info("Work orders follow the case", metadata: metadata)
        return steps
    }

    /// A `merged` event to record: the case and its group incident.
    struct Merge: Sendable {
        var data: CaseEventData
        var groupIncidentID: String
    }

    /// Records `merges` on their cases' live orders (once per group incident) in a few statements for all of them:
    /// a group incident merges hundreds of cases at once, and a merge only adds a history entry (it never changes
    /// an order's state, so it cannot be refused). Returns how many entries were recorded.
    @discardableResult
    func record(_ merges: [Merge], connection: PostgresConnection, logger: Logger) async throws -> Int {
        guard !merges.isEmpty else { return 0 }
        let repository = WorkOrderRepository(connection: connection, logger: logger)
        let orders = try await repository.lockOrders(ofCases: Array(Set(merges.map(\.data.caseID))))
        guard !orders.isEmpty else { return 0 }
        var recorded = try await repository.recordedMerges(of: orders.map(\.id))
        let byCase = Dictionary(grouping: orders, by: \.caseID)
        var effects = WorkOrderEffects(eventSource: opener.eventSource)
        var count = 0
        for merge in merges {
            let snapshots = Self.snapshots(of: byCase[merge.data.caseID] ?? [], merges: recorded, closeEscalated: [])
            let change = CaseLifecycleChange.merged(groupIncidentID: merge.groupIncidentID)
            for step in CaseLifecyclePolicy.steps(for: change, at: merge.data.occurredAt, orders: snapshots, caseNeedsWork: false) {
                guard case .recordMerge(let id, let incident) = step else { continue }
                effects.log(
                    [.init(kind: "case_merged", body: .init(text: Self.reason(for: change, of: merge.data), group_incident_id: incident),
                           actor: merge.data.actor ?? "system")],
                    on: id)
                recorded[id, default: []].insert(incident)
                count += 1
            }
        }
        try await effects.write(connection: connection, logger: logger)
        if count > 0 {
            Counter(label: "careloop_repair_dispatch_case_follow_ups_total", dimensions: [("step", "record_merge")]).increment(by: count)
        }
        return count
    }

    /// What the policy sees of a case's `orders`, earliest request first.
    static func snapshots(of orders: [WorkOrder], merges: [String: Set<String>], closeEscalated: Set<String>) -> [CaseOrderSnapshot] {
        orders.sorted { $0.requestedAt < $1.requestedAt }.map {
            CaseOrderSnapshot(
                workOrderID: $0.id, status: $0.status, requestedAt: $0.requestedAt, completedAt: $0.completedAt,
                recordedMerges: merges[$0.id] ?? [], closeEscalated: closeEscalated.contains($0.id))
        }
    }

    /// The `reason` of the work-order events (at most 1,000 characters, as the contract allows).
    static func reason(for change: CaseLifecycleChange, of data: CaseEventData) -> String {
        let text: String
        switch change {
        case .closed(let reason): text = "case \(data.reference) closed" + (reason.map { ": \($0)" } ?? "")
        case .merged(let incident): text = "case \(data.reference) merged into group incident \(incident)"
        case .reopened(let reason): text = "case \(data.reference) reopened" + (reason.map { ": \($0)" } ?? "")
        }
        return String(text.prefix(1_000))
    }

    /// A step's metric and log name.
    static func name(of step: CaseFollowUpStep) -> String {
        switch step {
        case .cancel: "cancel"
        case .escalateClosedDuringWork: "escalate_closed_during_work"
        case .recordMerge: "record_merge"
        case .reopen: "reopen"
        case .openNew: "open_new"
        }
    }
}
