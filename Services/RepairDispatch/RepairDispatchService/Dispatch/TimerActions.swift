import CareLoopContracts
import Foundation
import Logging
import Metrics
import PostgresNIO

/// What each durable timer does when it fires, on its work order (locked by the claim).
///
/// - `contact_warning`: not contacted yet → an open `contact_warning` escalation (no event).
/// - `contact_breach`: not contacted by the deadline → a `contact_deadline_breached` escalation and a reassignment,
///   announced as `careloop.workorder.assigned` with `escalation: contact_deadline_breached` (and
///   `previous_technician_id` when someone else took over). When the replacement is a crew that must accept, or
///   nobody else is suitable, the current technician keeps the order and `assigned` is announced again for them
///   with the escalation, so the breach is always visible on the topic. An order nobody was assigned to keeps its
///   `nobody_suitable` escalation and retry; an order nobody has accepted is placed again without the crew
///   that did not accept, and the breach is announced (`assigned` when someone takes it at once, else the
///   order's current status again, both with the escalation).
/// - `assignment_retry`: still unassigned → placed again (another retry when still nobody is suitable).
/// - `acceptance_timeout`: the crew did not accept in time → offer withdrawn, crew excluded, placed again.
struct TimerActions: Sendable {
    let dispatcher: Dispatcher

    /// Fires `timer` on `order`, collecting changes in `effects`.
    func fire(
        _ timer: DueTimer, on order: inout WorkOrder, effects: inout WorkOrderEffects, connection: PostgresConnection, logger: Logger
    ) async throws {
        let now = Timestamp(dispatcher.clock.now())
        let awaitingContact = order.contactedAt == nil && [.opened, .assigned, .reopened].contains(order.status)
        var metadata: Logger.Metadata = [
            "work_order_id": "\(order.id)", "case_id": "\(order.caseID)", "timer": "\(timer.kind.rawValue)",
            "technician_id": "\(order.responsibleTechnician ?? "-")",
        ]
        switch timer.kind {
        case .contactWarning:
            guard awaitingContact else { return }
            effects.escalations.append(
                .init(
                    work_order_id: order.id, kind: .contactWarning,
                    detail: "warning \(timer.level): the owner must be contacted by \(order.contactBy.rfc3339)"))
            Counter(label: "careloop_repair_dispatch_contact_warnings_total").increment()
            logger.warning("24-hour contact rule: warning", metadata: metadata)
        case .contactBreach:
            guard awaitingContact else { return }
            try await breach(&order, now: now, effects: &effects, connection: connection, logger: logger)
        case .assignmentRetry:
            guard [.opened, .reopened].contains(order.status), order.technicianID == nil, order.offeredTo == nil else { return }
            let excluded = try await WorkOrderRepository(connection: connection, logger: logger).excludedTechnicians(of: order.id)
            let plan = await dispatcher.place(order, excluding: excluded)
            let effect = try await dispatcher.apply(
                plan, to: &order, change: WorkOrderChange(actor: "system", occurredAt: now), endReason: "reassigned", effects: &effects,
                logger: logger)
            metadata["outcome"] = "\(effect)"
            logger.info("Assignment retried", metadata: metadata)
        case .acceptanceTimeout:
            guard let crew = order.offeredTo, crew == timer.technicianID, !order.isClosed else { return }
            effects.escalations.append(
                .init(work_order_id: order.id, kind: .acceptanceTimeout, detail: "crew \(crew) did not accept the order in time"))
            await dispatcher.withdrawOffer(from: &order, reason: "acceptance_timeout", at: now, effects: &effects)
            var excluded = try await WorkOrderRepository(connection: connection, logger: logger).excludedTechnicians(of: order.id)
            excluded.insert(crew)
            // A crew offered after a contact breach replaces the breaching technician, who is not chosen again.
            if let current = order.technicianID, order.escalation == EscalationKind.contactDeadlineBreached.rawValue {
                excluded.insert(current)
            }
            let plan = await dispatcher.place(order, excluding: excluded)
            let effect = try await dispatcher.apply(
                plan, to: &order, change: WorkOrderChange(actor: "system", occurredAt: now), endReason: "reassigned", effects: &effects,
                logger: logger)
            metadata["outcome"] = "\(effect)"
            logger.warning("Crew did not accept in time; placed again", metadata: metadata)
        }
    }

    /// The contact deadline passed on an order nobody has accepted (offered to a crew that did not accept, or
    /// nobody suitable so far): the crew is passed over and the order placed again. Someone who needs no
    /// acceptance takes it → `assigned` with `escalation: contact_deadline_breached`; otherwise (offered to another
    /// crew, or nobody else suitable: the offer or the retry stays) the order's current status is announced again
    /// with the escalation, so the breach always reaches the topic.
    private func breachUnaccepted(
        _ order: inout WorkOrder, now: Timestamp, effects: inout WorkOrderEffects, connection: PostgresConnection, logger: Logger
    ) async throws {
        let breached = EscalationKind.contactDeadlineBreached.rawValue
        let crew = order.offeredTo
        var excluded = try await WorkOrderRepository(connection: connection, logger: logger).excludedTechnicians(of: order.id)
        if let crew { excluded.insert(crew) }
        let plan = await dispatcher.place(order, excluding: excluded)
        let why = crew.map { "crew \($0) has not accepted the order" } ?? "nobody has accepted the order"
        var change = WorkOrderChange(
            actor: "system", reason: "24-hour contact deadline \(order.contactBy.rfc3339) passed without contact; \(why)",
            escalation: breached, occurredAt: now)
        switch plan.outcome {
        case .planned(_, _, _, false):
            _ = try await dispatcher.apply(plan, to: &order, change: change, endReason: breached, effects: &effects, logger: logger)
            order.escalation = breached
            return
        case .planned(let next, _, _, true):
            _ = try await dispatcher.apply(plan, to: &order, change: change, endReason: breached, effects: &effects, logger: logger)
            change.reason! += "; offered to crew \(next.id)"
        case .nobodySuitable:
            change.reason! += crew == nil ? "; nobody suitable, escalated to the dispatcher" : "; nobody else is suitable, the offer stands"
        }
        // A pending `nobody_suitable` stays the order's escalation: its retry timer still places the order.
        if order.escalation == nil { order.escalation = breached }
        order.countRepeatedAnnouncement()
        try effects.announce(order, action: "escalate", change: change)
    }

    private func breach(
        _ order: inout WorkOrder, now: Timestamp, effects: inout WorkOrderEffects, connection: PostgresConnection, logger: Logger
    ) async throws {
        Counter(label: "careloop_repair_dispatch_contact_breaches_total").increment()
        let metadata: Logger.Metadata = [
            "work_order_id": "\(order.id)", "case_id": "\(order.caseID)", "technician_id": "\(order.responsibleTechnician ?? "-")",
        ]
        effects.escalations.append(
            .init(
                work_order_id: order.id, kind: .contactDeadlineBreached,
                detail: "the owner was not contacted by \(order.contactBy.rfc3339) (technician \(order.responsibleTechnician ?? "none"))"))
        guard let current = order.technicianID else {
            try await breachUnaccepted(&order, now: now, effects: &effects, connection: connection, logger: logger)
            logger.error("24-hour contact rule breached on an order nobody has accepted yet", metadata: metadata)
            return
        }
        order.escalation = EscalationKind.contactDeadlineBreached.rawValue
        var excluded = try await WorkOrderRepository(connection: connection, logger: logger).excludedTechnicians(of: order.id)
        excluded.insert(current)
        let plan = await dispatcher.place(order, excluding: excluded)
        let reason = "24-hour contact deadline \(order.contactBy.rfc3339) passed without contact"
        let change = WorkOrderChange(
            actor: "system", reason: reason, escalation: EscalationKind.contactDeadlineBreached.rawValue, occurredAt: now)
        switch plan.outcome {
        case .planned(let technician, _, _, false):
            _ = try await dispatcher.apply(
                plan, to: &order, change: change, endReason: EscalationKind.contactDeadlineBreached.rawValue, effects: &effects,
                logger: logger)
            logger.error("24-hour contact rule breached; reassigned", metadata: metadata.merging(["new_technician_id": "\(technician.id)"]) { $1 })
        case .planned(let crew, _, _, true):
            _ = try await dispatcher.apply(
                plan, to: &order, change: change, endReason: EscalationKind.contactDeadlineBreached.rawValue, effects: &effects,
                logger: logger)
            var announced = change
            announced.reason = reason + "; offered to crew \(crew.id), \(current) keeps the order until the crew accepts"
            try order.perform(.assign)
            try effects.announce(order, action: "escalate", change: announced)
            logger.error("24-hour contact rule breached; offered to a crew", metadata: metadata)
        case .nobodySuitable:
            var announced = change
            announced.reason = reason + "; nobody else is suitable, escalated to the dispatcher"
            try order.perform(.assign)
            try effects.announce(order, action: "escalate", change: announced)
            logger.error("24-hour contact rule breached; nobody else suitable", metadata: metadata)
        }
    }
}
