import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage

/// The routing service: owns a case from registration to closure.
package struct RoutingServiceDefinition: ServiceDefinition {
    package init() {}

    package var identity: ServiceIdentity { .routing }

    package var migrations: [Migration] { RoutingMigrations.all }

    package func components(context: ServiceContext) async throws -> ServiceComponents {
        ServiceComponents(subscriptions: [EventSubscription(topics: [Topic.cases.rawValue], handler: CaseRegisteredHandler())])
    }
}
