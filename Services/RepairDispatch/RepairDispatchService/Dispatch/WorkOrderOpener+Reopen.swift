import CareLoopContracts
import Logging
import PostgresNIO

extension WorkOrderOpener {
    /// Reopens a completed or verified `order`: `reopened` (announced with `change`), the technician's stint ends,
    /// visit and progress are cleared, a new 24-hour contact deadline counts from `requestedAt` (with its timers),
    /// and the order is placed again — back to `preferred` (the technician who did the work, to whom the owner's
    /// complaint goes back) while they are still suitable and have room within the planning horizon, else to
    /// whoever the board picks; the resulting `assigned` is announced by `system`.
    /// - Throws: ``IllegalTransition`` when the order is neither completed nor verified.
    func reopen(
        _ order: inout WorkOrder, change: WorkOrderChange, requestedAt: Timestamp, preferring preferred: String?,
        effects: inout WorkOrderEffects, connection: PostgresConnection, logger: Logger
    ) async throws {
        let previous = order.technicianID
        try order.perform(.reopen)
        try effects.announce(order, action: WorkOrderAction.reopen.rawValue, change: change)
        if let previous { effects.endedAssignments.append((order.id, previous, "reopened", change.occurredAt.date)) }
        order.technicianID = nil
        order.vendorID = nil
        order.acceptedAt = nil
        order.appointment = nil
        order.contactedAt = nil
        order.startedAt = nil
        order.completedAt = nil
        order.requestedAt = requestedAt
        order.contactBy = ContactDeadline(requestedAt: requestedAt, configuration: contactRule).contactBy
        effects.timers += contactTimers(for: order)
        let excluded = try await WorkOrderRepository(connection: connection, logger: logger).excludedTechnicians(of: order.id)
        let plan = await dispatcher.place(order, excluding: excluded, preferring: preferred)
        var system = change
        system.actor = "system"
        system.reason = nil
        _ = try await dispatcher.apply(plan, to: &order, change: system, endReason: "reassigned", effects: &effects, logger: logger)
    }
}
