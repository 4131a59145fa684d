import CareLoopContracts
import Foundation
import Logging
import Metrics

/// Sends work orders to technicians: asks the board for a place and turns the answer into the order's changes,
/// assignment history, timers, escalations and events (collected in ``WorkOrderEffects``).
struct Dispatcher: Sendable {
    /// Timings the dispatcher applies.
    struct Timing: Sendable {
        /// How long a crew has to accept an offer before it goes to someone else.
        var acceptanceTimeout: Duration
        /// How soon an order nobody could take is tried again.
        var assignmentRetry: Duration
    }

    let board: DispatchBoardStore
    let clock: DispatchClock
    let timing: Timing

    /// How an outcome changed the order.
    enum Effect: Equatable {
        /// A technician was assigned (the order announced `assigned`).
        case assigned(technicianID: String)
        /// Offered to a crew that must accept first; nothing announced yet.
        case offered(crewID: String)
        /// Nobody suitable: escalated, retried later.
        case unassigned
    }

    /// The board's placement of `order` (single), excluding `excluded`.
    func place(_ order: WorkOrder, excluding excluded: Set<String>) async -> DispatchPlan {
        await board.place([request(for: order, excluding: excluded)], today: clock.today())[0]
    }

    /// The board's placement of `order` (single), excluding `excluded`, with `preferred` first when still suitable.
    func place(_ order: WorkOrder, excluding excluded: Set<String>, preferring preferred: String?) async -> DispatchPlan {
        await board.place(request(for: order, excluding: excluded), preferring: preferred, today: clock.today())
    }

    /// What the board needs to know to place `order`.
    func request(for order: WorkOrder, excluding excluded: Set<String> = []) -> DispatchRequest {
        DispatchRequest(
            workOrderID: order.id, skill: order.scope.skill, project: order.property.project, building: order.property.building,
            due: order.contactBy, excluded: excluded)
    }

    /// Applies a placement to `order`: assigns (announcing `assigned`, with the technician replaced as
    /// `previous_technician_id`), offers to a crew that must accept first (with an acceptance timer; the current
    /// technician, if any, keeps the order until the crew accepts) or escalates as nobody suitable (with a retry
    /// timer). A replaced assignment or offer ends with `endReason`.
    /// - Throws: ``IllegalTransition`` when the order's state does not allow an assignment.
    func apply(
        _ plan: DispatchPlan, to order: inout WorkOrder, change: WorkOrderChange, endReason: String, effects: inout WorkOrderEffects,
        logger: Logger
    ) async throws -> Effect {
        let now = change.occurredAt
        if case .planned(let technician, _, _, _) = plan.outcome, let crew = order.offeredTo, crew != technician.id {
            await withdrawOffer(from: &order, reason: endReason, at: now, effects: &effects)
        } else if case .nobodySuitable = plan.outcome, order.offeredTo != nil {
            await withdrawOffer(from: &order, reason: endReason, at: now, effects: &effects)
        }
        switch plan.outcome {
        case .planned(let technician, let day, _, let awaitingAcceptance):
            if order.escalation == EscalationKind.nobodySuitable.rawValue {
                order.escalation = nil
                effects.resolvedEscalations.append((order.id, [.nobodySuitable]))
                effects.cancelledTimers.append((order.id, [.assignmentRetry]))
            }
            order.dispatchGroup = plan.group.description
            if awaitingAcceptance {
                // The current technician, if any, keeps the order (and its day) until the crew accepts.
                if order.technicianID == nil { order.plannedDay = day }
                if order.offeredTo != technician.id {
                    order.offeredTo = technician.id
                    effects.openedAssignments.append(assignment(order, technician.id, day: day, offered: true, change: change))
                    effects.timers.append(
                        .init(
                            work_order_id: order.id, kind: .acceptanceTimeout,
                            due_at: Timestamp(now.date + timing.acceptanceTimeout.timeInterval), level: 0, technician_id: technician.id))
                }
                Counter(label: "careloop_repair_dispatch_assignments_total", dimensions: [("outcome", "offered")]).increment()
                return .offered(crewID: technician.id)
            }
            try await assign(&order, to: technician.id, day: day, accepting: false, change: change, endReason: endReason, effects: &effects)
            Counter(label: "careloop_repair_dispatch_assignments_total", dimensions: [("outcome", "assigned")]).increment()
            return .assigned(technicianID: technician.id)
        case .nobodySuitable(let reasons):
            if order.escalation != EscalationKind.nobodySuitable.rawValue, order.technicianID == nil {
                order.escalation = EscalationKind.nobodySuitable.rawValue
                effects.escalations.append(
                    .init(work_order_id: order.id, kind: .nobodySuitable, detail: Self.describe(reasons, for: order)))
            }
            if order.technicianID == nil {
                effects.timers.append(
                    .init(
                        work_order_id: order.id, kind: .assignmentRetry,
                        due_at: Timestamp(now.date + timing.assignmentRetry.timeInterval), level: 0, technician_id: nil))
            }
            Counter(label: "careloop_repair_dispatch_assignments_total", dimensions: [("outcome", "nobody_suitable")]).increment()
            logger.warning(
                "Nobody suitable for a work order",
                metadata: [
                    "work_order_id": "\(order.id)", "case_id": "\(order.caseID)", "skill": "\(order.scope.skill.rawValue)",
                    "project": "\(order.property.project)", "technician_id": "\(order.technicianID ?? "-")",
                ])
            return .unassigned
        }
    }

    /// Makes `technicianID` the order's technician on `day` and announces `assigned`: ends the previous
    /// technician's assignment with `endReason` and frees their day on the board; opens the new assignment, or,
    /// when a crew is `accepting` its offer, turns the offer into the assignment.
    func assign(
        _ order: inout WorkOrder, to technicianID: String, day: LocalDate?, accepting: Bool, change: WorkOrderChange, endReason: String,
        effects: inout WorkOrderEffects
    ) async throws {
        let previous = order.technicianID
        try order.perform(.assign)
        if let crew = order.offeredTo, crew != technicianID {
            await withdrawOffer(from: &order, reason: endReason, at: change.occurredAt, effects: &effects)
        }
        if let previous, previous != technicianID {
            effects.endedAssignments.append((order.id, previous, endReason, change.occurredAt.date))
            if let oldDay = order.plannedDay { await board.release(technicianID: previous, day: oldDay) }
        }
        order.technicianID = technicianID
        order.vendorID = await board.profile(technicianID)?.eventVendorID
        order.plannedDay = day ?? order.plannedDay
        order.acceptedAt = accepting ? change.occurredAt : nil
        if order.offeredTo == technicianID {
            order.offeredTo = nil
            effects.cancelledTimers.append((order.id, [.acceptanceTimeout]))
        } else {
            effects.openedAssignments.append(assignment(order, technicianID, day: order.plannedDay, offered: false, change: change))
        }
        var announced = change
        announced.previousTechnicianID = previous == technicianID ? nil : previous
        try effects.announce(order, action: WorkOrderAction.assign.rawValue, change: announced)
    }

    /// Withdraws the order's pending crew offer: ends it with `reason`, cancels its timer, frees the crew's day.
    func withdrawOffer(from order: inout WorkOrder, reason: String, at time: Timestamp, effects: inout WorkOrderEffects) async {
        guard let crew = order.offeredTo else { return }
        effects.endedAssignments.append((order.id, crew, reason, time.date))
        effects.cancelledTimers.append((order.id, [.acceptanceTimeout]))
        order.offeredTo = nil
        if let day = order.plannedDay { await board.release(technicianID: crew, day: day) }
    }

    private func assignment(_ order: WorkOrder, _ technicianID: String, day: LocalDate?, offered: Bool, change: WorkOrderChange)
        -> WorkOrderRepository.Assignment
    {
        WorkOrderRepository.Assignment(
            work_order_id: order.id, technician_id: technicianID, planned_day: day, offered: offered, started_at: change.occurredAt,
            accepted_at: nil, ended_at: nil, end_reason: nil, actor: change.actor)
    }

    /// A dispatcher-readable reason: what was needed and why each kind of technician was ruled out.
    static func describe(_ reasons: [Technician.Kind: AssignmentRejections], for order: WorkOrder) -> String {
        var parts: [String] = []
        for kind in Technician.Kind.allCases {
            guard let counts = reasons[kind] else { continue }
            let named = [
                ("excluded", counts.excluded), ("lacking the skill", counts.lackingSkill), ("outside the zone", counts.outsideZone),
                ("at capacity", counts.atCapacity), ("busy past the deadline", counts.busyUntilAfterDue),
            ].filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
            parts.append("\(kind == .technician ? "technicians" : "vendor crews"): \(named.isEmpty ? "none" : named.joined(separator: ", "))")
        }
        let place = order.property.building.map { "\(order.property.project) building \($0)" } ?? order.property.project
        let roster = parts.isEmpty ? "no technicians on the roster" : parts.joined(separator: "; ")
        return "nobody can take \(order.scope.skill.rawValue) work in \(place) within the planning horizon (\(roster))"
    }
}
