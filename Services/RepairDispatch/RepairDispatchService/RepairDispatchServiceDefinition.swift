import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage

/// The repair-dispatch service: opens a work order for every routed case that needs repair work, decides its
/// warranty, assigns technicians and vendor crews (whole delivery waves at a time), runs the 24-hour contact
/// timers, books visits and keeps the defect register; makes the orders follow their case (closed, merged,
/// reopened: see ``CaseLifecyclePolicy``); announces every work-order change on `careloop.workorders.v1`.
package struct RepairDispatchServiceDefinition: ServiceDefinition {
    package init() {}

    package var identity: ServiceIdentity { .repairDispatch }

    package var migrations: [Migration] { RepairDispatchMigrations.all }

    package func components(context: ServiceContext) async throws -> ServiceComponents {
        let settings = try RepairDispatchSettings(settings: context.settings.settings)
        let parts = RepairDispatchParts(settings: settings, database: context.database, eventSource: context.settings.eventSource,
                                        logger: context.logger)
        return ServiceComponents(
            subscriptions: [EventSubscription(topics: [Topic.cases.rawValue], handler: parts.caseHandler)],
            router: RepairDispatchAPI(parts: parts).add(to: context.makeAPIRouter()),
            services: [parts.rosterSync, parts.timerWorker])
    }
}
