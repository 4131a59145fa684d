import CareLoopContracts
import CareLoopRuntime
import Logging
import Metrics
import PostgresNIO

/// Repair dispatch's `careloop.cases.v1` handler, applying a batch in topic order:
///
/// - `careloop.case.routed` opens a work order for a case that needs repair work (see
///   ``WorkOrderOpener/needsWork(_:)``), once per case; consecutive routed cases are opened together (a delivery wave
///   in a few statements); routed cases that need no work are skipped.
/// - `careloop.case.closed`, `.merged` and `.reopened` make the case's orders follow the case (see
///   ``CaseLifecyclePolicy``): cancel open orders of a closed case, record a merge, reopen the completed order.
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
            case nil:
                continue
            case .invalid(let error):
                rejections.append(EventRejection(index: index, validationErrors: ValidationErrors([error])))
            case .follow(let change):
                // Orders of routed cases earlier in the batch exist before a later event of the same case is followed.
                _ = try await opener.open(routed, connection: connection, logger: logger)
                routed = []
                // A savepoint per event, so a refused event leaves nothing behind while the batch goes on.
                try await connection.query("SAVEPOINT case_follow_up", logger: logger)
                do {
                    try await follower.follow(
                        change, of: data, traceparent: inbound.event.traceparent, connection: connection, logger: logger)
                    try await connection.query("RELEASE SAVEPOINT case_follow_up", logger: logger)
                } catch let error as IllegalTransition {
                    try await connection.query("ROLLBACK TO SAVEPOINT case_follow_up", logger: logger)
                    rejections.append(EventRejection(index: index, errorClass: "handler_rejected", message: "\(error)"))
                }
            }
        }
        if skipped > 0 { Counter(label: "careloop_repair_dispatch_cases_without_work_total").increment(by: skipped) }
        _ = try await opener.open(routed, connection: connection, logger: logger)
        return rejections
    }
}
