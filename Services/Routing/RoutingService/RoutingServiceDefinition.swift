import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage

/// The routing service: owns a case from registration to closure.
package struct RoutingServiceDefinition: ServiceDefinition {
    package init() {}

    package var identity: ServiceIdentity { .routing }

    package var migrations: [Migration] { RoutingMigrations.all }

    package func components(context: ServiceContext) async throws -> ServiceComponents {
        let routing = try RoutingSettings(settings: context.settings.settings)
        let handler = CaseRegisteredHandler(rules: routing.rules, eventSource: context.settings.eventSource)
        return ServiceComponents(subscriptions: [EventSubscription(topics: [Topic.cases.rawValue], handler: handler)])
    }
}
