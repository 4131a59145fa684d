import CareLoopHTTP
import CareLoopKafka
import CareLoopStorage
import Hummingbird
import Logging
import ServiceLifecycle

/// What a service plugs into the runtime: its identity, its migrations and the parts it runs.
package protocol ServiceDefinition: Sendable {
    /// Name, schema and default ports.
    var identity: ServiceIdentity { get }
    /// The service's own forward-only migrations (applied after the platform's outbox and inbox tables).
    var migrations: [Migration] { get }
    /// Builds the parts that run once the database is migrated. Called before migrations: read and
    /// validate settings here (throw `InvalidSettingError`), but do not query the database.
    func components(context: ServiceContext) async throws -> ServiceComponents
}

/// What the runtime hands to a service when it builds its parts.
package struct ServiceContext: Sendable {
    package var database: Database
    package var producer: KafkaProducer
    package var settings: RuntimeSettings
    package var logger: Logger
    /// The service's API keys (in its own schema).
    package var apiKeys: APIKeyStore

    /// A public-API router with CareLoop's standard middleware (problem+json, API keys, rate and body limits).
    package func makeAPIRouter() -> Router<APIRequestContext> {
        PublicAPI.makeRouter(keys: apiKeys, settings: settings.api, service: settings.serviceName)
    }
}

/// The running parts of a service.
package struct ServiceComponents {
    /// Event subscriptions; each runs its own consumer in the service's group.
    package var subscriptions: [EventSubscription] = []
    /// The public HTTP API, if the service has one.
    package var router: Router<APIRequestContext>?
    /// Other long-running parts (timers, schedulers); shut down before the consumers' producer.
    package var services: [any Service] = []
    /// Extra conditions for `/health/ready`.
    package var readinessChecks: [ReadinessCheck] = []

    package init(
        subscriptions: [EventSubscription] = [], router: Router<APIRequestContext>? = nil, services: [any Service] = [],
        readinessChecks: [ReadinessCheck] = []
    ) {
        self.subscriptions = subscriptions
        self.router = router
        self.services = services
        self.readinessChecks = readinessChecks
    }
}

/// Topics a service consumes and the handler that applies their events.
package struct EventSubscription: Sendable {
    package var topics: [String]
    package var handler: any CloudEventHandler
    /// Appended to the service's consumer group, for a service with several independent subscriptions.
    package var groupSuffix: String?

    package init(topics: [String], handler: any CloudEventHandler, groupSuffix: String? = nil) {
        self.topics = topics
        self.handler = handler
        self.groupSuffix = groupSuffix
    }
}
