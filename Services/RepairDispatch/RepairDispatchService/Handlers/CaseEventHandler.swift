import CareLoopContracts
import CareLoopRuntime
import Logging
import Metrics
import PostgresNIO

/// Repair dispatch's `careloop.cases.v1` handler. For a batch, in one transaction:
///
/// 1. `careloop.case.routed` opens a work order for every case that needs repair work (see
///    ``WorkOrderOpener/needsWork(_:)``), once per case, all of the batch together (a delivery wave in a few
///    statements); routed cases that need no work are skipped. A case's `routed` precedes its other events (one key,
///    one partition), so its orders exist before anything follows them.
/// 2. `careloop.case.merged` is recorded on the cases' live orders, all merges of the batch together (a group
///    incident merges hundreds of cases at once).
/// 3. `careloop.case.closed` and `.reopened` make the case's orders follow the case (see ``CaseLifecyclePolicy``),
///    event by event in topic order, each under a savepoint; a case with such an event in the batch has its merges
///    followed in that order too.
///
/// Other case event types are skipped by the runtime. Invalid data is rejected to `careloop.cases.v1.dlt` with its
/// field errors; a lifecycle event the orders' states refuse is rejected as `handler_rejected`.
struct CaseEventHandler: CloudEventHandler {
    let opener: WorkOrderOpener

    var follower: CaseLifecycleFollower { CaseLifecycleFollower(opener: opener) }

    var acceptedTypes: Set<EventType> { [.caseRouted, .caseClosed, .caseMerged, .caseReopened] }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        var rejections: [EventRejection] = []
        var routed: [WorkOrderOpener.RoutedCase] = []
        var skipped = 0
        var follow: [(index: Int, change: CaseLifecycleChange, data: CaseEventData, traceparent: String?)] = []
        for (index, inbound) in events.enumerated() {
            let data: CaseEventData
            switch CaseEventData.parse(json: inbound.event.data) {
            case .success(let parsed): data = parsed
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
                continue
            }
            if inbound.event.type == .caseRouted {
                if WorkOrderOpener.needsWork(data) {
                    routed.append(WorkOrderOpener.RoutedCase(data: data, traceparent: inbound.event.traceparent))
                } else {
                    skipped += 1
                }
                continue
            }
            switch CaseLifecycleFollower.reading(of: inbound.event.type, data: data) {
            case nil: continue
            case .invalid(let error): rejections.append(EventRejection(index: index, validationErrors: ValidationErrors([error])))
            case .follow(let change): follow.append((index, change, data, inbound.event.traceparent))
            }
        }
        if skipped > 0 { Counter(label: "careloop_repair_dispatch_cases_without_work_total").increment(by: skipped) }
        // A case's `routed` comes before its other events (one key, one partition, routing's order), so every order
        // of the batch is opened first, in a few statements for the whole batch (a delivery wave).
        _ = try await opener.open(routed, connection: connection, logger: logger)

        // Merges only add history: recorded together, except for cases that also close or reopen in this batch,
        // which follow their events one by one in topic order.
        let stepwise = Set(follow.filter { if case .merged = $0.change { false } else { true } }.map(\.data.caseID))
        var merges: [CaseLifecycleFollower.Merge] = []
        for item in follow {
            if case .merged(let incident) = item.change, !stepwise.contains(item.data.caseID) {
                merges.append(.init(data: item.data, groupIncidentID: incident))
            }
        }
        try await follower.record(merges, connection: connection, logger: logger)
        for item in follow where stepwise.contains(item.data.caseID) {
            // A savepoint per event, so a refused event leaves nothing behind while the batch goes on.
            try await connection.query("SAVEPOINT case_follow_up", logger: logger)
            do {
                try await follower.follow(item.change, of: item.data, traceparent: item.traceparent, connection: connection, logger: logger)
                try await connection.query("RELEASE SAVEPOINT case_follow_up", logger: logger)
            } catch let error as IllegalTransition {
                try await connection.query("ROLLBACK TO SAVEPOINT case_follow_up", logger: logger)
                rejections.append(EventRejection(index: item.index, errorClass: "handler_rejected", message: "\(error)"))
            }
        }
        return rejections
    }
}
