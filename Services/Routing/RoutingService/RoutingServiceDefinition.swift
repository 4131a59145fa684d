import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import ServiceLifecycle

/// The routing service: owns a case from registration to closure.
package struct RoutingServiceDefinition: ServiceDefinition {
    package init() {}

    package var identity: ServiceIdentity { .routing }

    package var migrations: [Migration] { RoutingMigrations.all }

    /// The rules routing starts with when no setting is given (shipped rule file, default calendar and policies).
    package static func defaultRules() throws -> RoutingRules {
        try RoutingSettings(settings: SettingsLoader.inMemory([:])).rules
    }

    package func components(context: ServiceContext) async throws -> ServiceComponents {
        let routing = try RoutingSettings(settings: context.settings.settings)
        let ruleBook = RuleBook(routing.rules)
        let source = context.settings.eventSource
        let replica = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
        var services: [any Service] = [
            SLATimerWorker(
                database: context.database, ruleBook: ruleBook, eventSource: source, configuration: routing.timers,
                logger: context.logger)
        ]
        if let interval = routing.rulesReloadInterval {
            services.append(
                RuleFileWatcher(
                    path: routing.rulesPath, ruleBook: ruleBook, interval: interval, initialStamp: routing.rulesStamp,
                    logger: context.logger))
        }
        let router = context.makeAPIRouter()
        StaffRoutes(database: context.database, ruleBook: ruleBook, eventSource: source, logger: context.logger).add(to: router)
        return ServiceComponents(
            subscriptions: [
                EventSubscription(
                    topics: [Topic.cases.rawValue],
                    handler: CaseRegisteredHandler(ruleBook: ruleBook, eventSource: source, replica: replica)),
                EventSubscription(
                    topics: [Topic.workOrders.rawValue, Topic.surveys.rawValue],
                    handler: CaseFollowUpHandler(ruleBook: ruleBook, eventSource: source), groupSuffix: "follow-up"),
            ],
            router: router, services: services)
    }
}
