import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Everything a set of work-order changes writes besides the orders themselves: history, events (through the
/// outbox), assignments, timers and escalations. Collected while the changes are decided, then written together
/// in the caller's transaction, in an order that keeps each order's events in sequence.
struct WorkOrderEffects {
    /// The `ce_source` of the events.
    let eventSource: String
    var history: [WorkOrderRepository.HistoryLine] = []
    var outbox: [OutboxMessage] = []
    var openedAssignments: [WorkOrderRepository.Assignment] = []
    var endedAssignments: [(workOrderID: String, technicianID: String, reason: String, at: Date)] = []
    var timers: [TimerRepository.NewTimer] = []
    var cancelledTimers: [(workOrderID: String, kinds: [TimerKind])] = []
    var escalations: [EscalationRepository.NewEscalation] = []
    var resolvedEscalations: [(workOrderID: String, kinds: [EscalationKind])] = []
    var entries: [(workOrderID: String, entry: WorkOrderRepository.Entry)] = []

    init(eventSource: String) {
        self.eventSource = eventSource
    }

    /// Records the order's current status as a history line and a `careloop.workorder.<status>` event keyed by
    /// the order id; the event id is `<order id>.<version>`, so a retried transaction emits the same id.
    mutating func announce(_ order: WorkOrder, action: String, change: WorkOrderChange) throws {
        let payload = order.eventPayload(change)
        let errors = payload.data.validate()
        guard errors.isEmpty else {
            throw WorkOrderEventError(workOrderID: order.id, problems: ValidationErrors(errors).description)
        }
        let event = try CloudEvent.json(
            id: "\(order.id).\(order.version)", source: eventSource, type: order.eventType, time: change.occurredAt,
            subject: order.id, traceparent: change.traceparent, payload: payload)
        outbox.append(OutboxMessage(event: event, topic: .workOrders, key: order.id))
        history.append(
            WorkOrderRepository.HistoryLine(
                work_order_id: order.id, version: order.version, status: order.status.rawValue, action: action, actor: change.actor,
                technician_id: order.technicianID, reason: change.reason, occurred_at: change.occurredAt))
    }

    /// Logs notes, photos or parts on order `id`.
    mutating func log(_ logged: [WorkOrderRepository.Entry], on id: String) {
        entries += logged.map { (id, $0) }
    }

    /// The effects of the orders `ids` only (the others were not written).
    func keeping(_ ids: Set<String>) -> WorkOrderEffects {
        var kept = WorkOrderEffects(eventSource: eventSource)
        kept.history = history.filter { ids.contains($0.work_order_id) }
        kept.outbox = outbox.filter { message in ids.contains(String(decoding: message.key ?? [], as: UTF8.self)) }
        kept.openedAssignments = openedAssignments.filter { ids.contains($0.work_order_id) }
        kept.endedAssignments = endedAssignments.filter { ids.contains($0.workOrderID) }
        kept.timers = timers.filter { ids.contains($0.work_order_id) }
        kept.cancelledTimers = cancelledTimers.filter { ids.contains($0.workOrderID) }
        kept.escalations = escalations.filter { ids.contains($0.work_order_id) }
        kept.resolvedEscalations = resolvedEscalations.filter { ids.contains($0.workOrderID) }
        kept.entries = entries.filter { ids.contains($0.workOrderID) }
        return kept
    }

    /// Writes everything: ended assignments before new ones, cancelled timers before new ones, resolved escalations
    /// before new ones, history, then the events.
    func write(connection: PostgresConnection, logger: Logger) async throws {
        let orders = WorkOrderRepository(connection: connection, logger: logger)
        for ended in endedAssignments {
            try await orders.endAssignment(of: ended.workOrderID, technicianID: ended.technicianID, reason: ended.reason, at: ended.at)
        }
        try await orders.openAssignments(openedAssignments)
        let timerRepository = TimerRepository(connection: connection, logger: logger)
        for cancelled in cancelledTimers { try await timerRepository.cancel(cancelled.kinds, of: cancelled.workOrderID) }
        try await timerRepository.schedule(timers)
        let escalationRepository = EscalationRepository(connection: connection, logger: logger)
        for resolved in resolvedEscalations { try await escalationRepository.resolve(resolved.kinds, of: resolved.workOrderID) }
        try await escalationRepository.open(escalations)
        try await orders.addEntries(entries)
        try await orders.appendHistory(history)
        try await Outbox.enqueue(outbox, connection: connection, logger: logger)
    }
}

/// A work-order event that would break the contract: a bug in repair dispatch, never sent.
struct WorkOrderEventError: Error, CustomStringConvertible {
    var workOrderID: String
    var problems: String
    var description: String { "work order \(workOrderID): event data breaks the contract: \(problems)" }
}
