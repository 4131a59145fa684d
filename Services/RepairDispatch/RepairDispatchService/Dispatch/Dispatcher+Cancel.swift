import CareLoopContracts
import Logging
import PostgresNIO

extension Dispatcher {
    /// Cancels `order` (`cancelled`, announced with `change`'s reason): every pending timer stops, open escalations
    /// close, the assignment and any crew offer end, the booked visit is released. Returns the technician or crew
    /// whose planned day the caller frees on the board (after its transaction, where it can).
    /// - Throws: ``IllegalTransition`` when the order's state does not allow a cancellation (work started, closed).
    func cancel(
        _ order: inout WorkOrder, change: WorkOrderChange, effects: inout WorkOrderEffects, connection: PostgresConnection, logger: Logger
    ) async throws -> String? {
        let responsible = order.responsibleTechnician
        try order.perform(.cancel)
        try effects.announce(order, action: WorkOrderAction.cancel.rawValue, change: change)
        effects.cancelledTimers.append((order.id, TimerKind.allCases))
        effects.resolvedEscalations.append((order.id, EscalationKind.allCases))
        for technician in [order.technicianID, order.offeredTo].compactMap({ $0 }) {
            effects.endedAssignments.append((order.id, technician, "cancelled", change.occurredAt.date))
        }
        order.offeredTo = nil
        order.escalation = nil
        try await AppointmentRepository(connection: connection, logger: logger).end(of: order.id, state: "cancelled")
        return responsible
    }
}
