import CareLoopContracts
import CareLoopRuntime
import Logging
import Metrics
import PostgresNIO

/// Opens a work order for every `careloop.case.routed` case that needs repair work (see
/// ``WorkOrderOpener/needsWork(_:)``), once per case, in the batch's transaction. Other case event types are
/// skipped by the runtime; routed cases that need no work are skipped here. Invalid data is rejected to
/// `careloop.cases.v1.dlt` with its field errors.
struct CaseRoutedHandler: CloudEventHandler {
    let opener: WorkOrderOpener

    var acceptedTypes: Set<EventType> { [.caseRouted] }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        var rejections: [EventRejection] = []
        var cases: [WorkOrderOpener.RoutedCase] = []
        var skipped = 0
        for (index, inbound) in events.enumerated() {
            switch CaseEventData.parse(json: inbound.event.data) {
            case .success(let data):
                if WorkOrderOpener.needsWork(data) {
                    cases.append(WorkOrderOpener.RoutedCase(data: data, traceparent: inbound.event.traceparent))
                } else {
                    skipped += 1
                }
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
            }
        }
        if skipped > 0 { Counter(label: "careloop_repair_dispatch_cases_without_work_total").increment(by: skipped) }
        _ = try await opener.open(cases, connection: connection, logger: logger)
        return rejections
    }
}
