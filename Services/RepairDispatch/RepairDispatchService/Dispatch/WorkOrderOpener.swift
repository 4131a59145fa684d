import CareLoopContracts
import CareLoopRuntime
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Opens one work order per routed case that needs work: scope, warranty, contact deadline, placement on the board
/// (a delivery wave's defects grouped by building and trade), timers and events, for a whole batch of cases in the
/// caller's transaction with a handful of statements.
struct WorkOrderOpener: Sendable {
    let dispatcher: Dispatcher
    /// The 24-hour contact rule.
    let contactRule: ContactDeadline.Configuration
    /// Statutory warranty periods (project promises come from the registry).
    let warrantyPolicy: WarrantyPolicy
    let eventSource: String

    /// A routed case to open an order for, with the trace context of its event.
    struct RoutedCase: Sendable {
        var data: CaseEventData
        var traceparent: String?
        /// Set for a case reopened without an order to reopen: the new order's request instant (the 24-hour rule
        /// counts from the reopening), and only a live (not cancelled) order of the case counts as existing.
        var reopenedAt: Timestamp? = nil
    }

    /// Whether a routed case needs repair work: routing's `requires_work_order` when present, else a repair or
    /// a delivery/open-day inspection defect.
    static func needsWork(_ data: CaseEventData) -> Bool {
        if let flag = data.requiresWorkOrder { return flag }
        return data.kind == .repair || data.inspectionBatch != nil
    }

    /// Opens orders for the cases that have none yet; returns how many were opened.
    func open(_ cases: [RoutedCase], connection: PostgresConnection, logger: Logger) async throws -> Int {
        var seen: Set<String> = []
        let unique = cases.filter { seen.insert($0.data.caseID).inserted }
        guard !unique.isEmpty else { return 0 }
        await dispatcher.board.waitUntilLoaded()
        let repository = WorkOrderRepository(connection: connection, logger: logger)
        let existing = try await repository.existingCaseIDs(unique.filter { $0.reopenedAt == nil }.map(\.data.caseID))
        let live = try await repository.existingCaseIDs(unique.filter { $0.reopenedAt != nil }.map(\.data.caseID), liveOnly: true)
        let fresh = unique.filter { !existing.contains($0.data.caseID) && !live.contains($0.data.caseID) }
        guard !fresh.isEmpty else { return 0 }
        let registry = try await ProjectRepository(connection: connection, logger: logger)
            .deliveries(of: Array(Set(fresh.map(\.data.property.project))))

        let clock = dispatcher.clock
        let now = Timestamp(clock.now())
        var orders = fresh.map {
            makeOrder($0.data, registry: registry[$0.data.property.project], now: now, requestedAt: $0.reopenedAt)
        }
        let plans = await dispatcher.board.place(orders.map { dispatcher.request(for: $0) }, today: clock.today())
        var effects = WorkOrderEffects(eventSource: eventSource)
        for position in orders.indices {
            let change = WorkOrderChange(actor: "system", occurredAt: now, traceparent: fresh[position].traceparent)
            let plan = plans[position]
            orders[position].version = 1
            if case .planned(_, _, _, false) = plan.outcome {
                try effects.announce(orders[position], action: "open", change: change)
                _ = try await dispatcher.apply(
                    plan, to: &orders[position], change: change, endReason: "reassigned", effects: &effects, logger: logger)
            } else {
                _ = try await dispatcher.apply(
                    plan, to: &orders[position], change: change, endReason: "reassigned", effects: &effects, logger: logger)
                var opened = change
                opened.escalation = orders[position].escalation
                try effects.announce(orders[position], action: "open", change: opened)
            }
            effects.timers += contactTimers(for: orders[position])
        }
        let inserted = try await repository.insert(orders)
        try await effects.keeping(inserted).write(connection: connection, logger: logger)
        Counter(label: "careloop_repair_dispatch_work_orders_opened_total").increment(by: inserted.count)
        for order in orders where inserted.contains(order.id) {
            logger.debug(
                "Work order opened",
                metadata: [
                    "work_order_id": "\(order.id)", "case_id": "\(order.caseID)", "skill": "\(order.scope.skill.rawValue)",
                    "technician_id": "\(order.responsibleTechnician ?? "-")", "in_warranty": "\(order.warranty.inWarranty)",
                ])
        }
        return inserted.count
    }

    /// The order for a case: trade and component from its category and words, the warranty from the project
    /// registry, the contact deadline from when the owner asked (`requestedAt`, else the submission).
    func makeOrder(_ data: CaseEventData, registry: ProjectDelivery?, now: Timestamp, requestedAt: Timestamp? = nil) -> WorkOrder {
        let scope = RepairScope.classify(
            category: data.category, categoryHint: data.categoryHint, title: data.title, description: data.description)
        let requestedAt = requestedAt ?? data.submittedAt ?? data.occurredAt
        let warranty = WarrantyAssessment.assess(
            component: scope.component, property: data.property, reportedOn: dispatcher.clock.day(of: requestedAt),
            registry: registry, policy: warrantyPolicy)
        let deadline = ContactDeadline(requestedAt: requestedAt, configuration: contactRule)
        return WorkOrder(
            id: UUIDv7.make(at: now.date).uuidString.lowercased(), caseID: data.caseID, caseReference: data.reference,
            category: data.category, scope: scope, property: data.property, ownerID: data.ownerID,
            inspectionBatch: data.inspectionBatch, title: data.title, description: data.description, requestedAt: requestedAt,
            contactBy: deadline.contactBy, warranty: warranty)
    }

    /// A warning timer per configured share of the contact window and the breach timer at the deadline.
    func contactTimers(for order: WorkOrder) -> [TimerRepository.NewTimer] {
        let deadline = ContactDeadline(requestedAt: order.requestedAt, configuration: contactRule)
        var timers = deadline.warnings.enumerated().map { level, instant in
            TimerRepository.NewTimer(work_order_id: order.id, kind: .contactWarning, due_at: instant, level: level + 1, technician_id: nil)
        }
        timers.append(.init(work_order_id: order.id, kind: .contactBreach, due_at: deadline.contactBy, level: 0, technician_id: nil))
        return timers
    }
}
