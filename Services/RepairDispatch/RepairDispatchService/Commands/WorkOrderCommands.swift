import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// The requests technicians and staff make on work orders: each runs in one transaction that locks the order,
/// checks the caller and the state machine, writes the change, its history, timers and assignments, and
/// announces it on `careloop.workorders.v1` through the outbox.
struct WorkOrderCommands: Sendable {
    let parts: RepairDispatchParts

    var dispatcher: Dispatcher { parts.dispatcher }
    var clock: DispatchClock { parts.clock }

    /// Who makes a request.
    enum Caller: Sendable, Equatable {
        /// A technician or crew, through a `technician` key: may act only on orders assigned or offered to them.
        case technician(String)
        /// Staff through a `staff` key, recorded as the actor; limited to `cities` unless empty.
        case staff(String, cities: Set<String> = [])

        var actor: String {
            switch self {
            case .technician(let id), .staff(let id, _): id
            }
        }

        /// Whether the caller may see `order` at all (technicians: assigned or offered to them, unless
        /// `assignedOnly`; staff: in their cities).
        func mayAct(on order: WorkOrder, assignedOnly: Bool) -> Bool {
            switch self {
            case .technician(let id): order.technicianID == id || (!assignedOnly && order.offeredTo == id)
            case .staff(_, let cities): cities.isEmpty || cities.contains(order.property.city)
            }
        }
    }

    /// Locks order `id`, checks `caller` may touch it (technicians: assigned or offered to them, unless
    /// `offerOnly`/`assignedOnly` narrows it), runs `body`, saves the order and writes the effects, in one
    /// transaction; returns the order after the change and `body`'s result.
    func change<Result: Sendable>(
        _ id: String, by caller: Caller, assignedOnly: Bool = true,
        _ body: @Sendable (inout WorkOrder, inout WorkOrderEffects, PostgresConnection) async throws -> Result
    ) async throws -> (WorkOrder, Result) {
        let logger = parts.logger
        let eventSource = parts.eventSource
        return try await parts.database.withTransaction { connection in
            let repository = WorkOrderRepository(connection: connection, logger: logger)
            guard var order = try await repository.lock(id) else { throw CommandError.notFound(id) }
            guard caller.mayAct(on: order, assignedOnly: assignedOnly) else { throw CommandError.refused(order, caller) }
            var effects = WorkOrderEffects(eventSource: eventSource)
            let result = try await body(&order, &effects, connection)
            try await repository.save(order)
            try await effects.write(connection: connection, logger: logger)
            return (order, result)
        }
    }

    /// A change description at the current instant.
    func now(_ caller: Caller, reason: String? = nil) -> WorkOrderChange {
        WorkOrderChange(actor: caller.actor, reason: reason, occurredAt: Timestamp(clock.now()))
    }

    /// Applies a plain state-machine `action` and announces it.
    func transition(
        _ action: WorkOrderAction, on order: inout WorkOrder, change: WorkOrderChange, effects: inout WorkOrderEffects
    ) throws {
        try order.perform(action)
        try effects.announce(order, action: action.rawValue, change: change)
    }

    /// Refuses a request on a closed order with a 409 naming its state.
    func requireOpen(_ order: WorkOrder, for what: String) throws {
        guard !order.isClosed else {
            throw CommandError(
                code: .conflict, message: "cannot \(what) a work order that is \(order.status.rawValue)", currentState: order.status)
        }
    }

    /// The order with everything logged on it (unlocked), for a caller allowed to see it.
    func details(_ id: String, for caller: Caller) async throws -> WorkOrderDetails {
        let logger = parts.logger
        return try await parts.database.withConnection { connection in
            let repository = WorkOrderRepository(connection: connection, logger: logger)
            guard let order = try await repository.load(id) else { throw CommandError.notFound(id) }
            guard caller.mayAct(on: order, assignedOnly: false) else { throw CommandError.refused(order, caller) }
            return WorkOrderDetails(
                order: order, history: try await repository.history(of: id), assignments: try await repository.assignments(of: id),
                entries: try await repository.entries(of: id))
        }
    }
}

/// A work order with its history, assignments and logged entries.
struct WorkOrderDetails: Sendable {
    var order: WorkOrder
    var history: [WorkOrderRepository.HistoryLine]
    var assignments: [WorkOrderRepository.Assignment]
    var entries: [WorkOrderRepository.Entry]
}
