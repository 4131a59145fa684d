import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Logging

/// The intake service: every owner's voice enters CareLoop here and becomes exactly one case (or, for a unit's
/// inspection defects, one case per defect); it keeps the property registry, owners and the cases' timelines.
package struct IntakeServiceDefinition: ServiceDefinition {
    package init() {}

    package var identity: ServiceIdentity { .intake }

    package var migrations: [Migration] { IntakeMigrations.all }

    package func components(context: ServiceContext) async throws -> ServiceComponents {
        let parts = try IntakeParts(context: context)
        return ServiceComponents(
            subscriptions: [
                EventSubscription(topics: [Topic.intake.rawValue], handler: parts.submissions),
                EventSubscription(topics: [Topic.cases.rawValue], handler: CaseEventTimelineHandler(), groupSuffix: "timeline"),
            ],
            router: parts.api.add(to: context.makeAPIRouter()),
            services: [parts.registrySync, parts.batcher, parts.resealer],
            readinessChecks: [
                ReadinessCheck("property_registry") { [registry = parts.registry] in registry.loaded == nil ? "not loaded yet" : nil }
            ])
    }
}

/// Intake's parts built from its settings; tests build them the same way.
struct IntakeParts: Sendable {
    let settings: IntakeSettings
    let registry = LivePropertyRegistry()
    let registrySync: PropertyRegistrySync
    let submissions: VoiceSubmissionHandler
    let api: IntakeAPI
    let batcher: RegistrationBatcher
    let resealer: PersonalDataResealer

    init(context: ServiceContext, now: @escaping @Sendable () -> Date = { Date() }) throws {
        try self.init(
            settings: IntakeSettings(settings: context.settings.settings), database: context.database,
            eventSource: context.settings.eventSource, logger: context.logger, now: now)
    }

    init(settings: IntakeSettings, database: Database, eventSource: String, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.settings = settings
        if settings.usesDevelopmentKeys {
            logger.warning(
                "Owners' personal data is encrypted with the public development key; set intake.piiKeys and intake.piiLookupKey")
        }
        let numbers = ReferenceNumbers(database: database)
        registrySync = PropertyRegistrySync(
            database: database, seed: settings.seed, live: registry, numbers: numbers, interval: settings.refreshInterval, logger: logger)
        func registrar(_ path: String) -> CaseRegistrar {
            CaseRegistrar(
                eventSource: eventSource, cipher: settings.cipher, phoneLookup: settings.phoneLookup, numbers: numbers, path: path)
        }
        submissions = VoiceSubmissionHandler(
            registrar: registrar("topic"), registry: registry, maxFutureSkew: settings.maxFutureSkew, now: now)
        batcher = RegistrationBatcher(
            database: database, registrar: registrar("http"), registry: registry, logger: logger, now: now)
        api = IntakeAPI(
            database: database, batcher: batcher, registry: registry, cipher: settings.cipher,
            phoneLookup: settings.phoneLookup, numbers: numbers, maxFutureSkew: settings.maxFutureSkew, now: now)
        resealer = PersonalDataResealer(database: database, cipher: settings.cipher, logger: logger)
    }
}
