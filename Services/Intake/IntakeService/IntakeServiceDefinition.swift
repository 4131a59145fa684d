import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation

/// The intake service: every owner's voice enters CareLoop here and becomes exactly one case.
package struct IntakeServiceDefinition: ServiceDefinition {
    package init() {}

    package var identity: ServiceIdentity { .intake }

    package var migrations: [Migration] { IntakeMigrations.all }

    package func components(context: ServiceContext) async throws -> ServiceComponents {
        let handler = VoiceSubmissionHandler(eventSource: context.settings.eventSource, now: { Date() })
        return ServiceComponents(subscriptions: [EventSubscription(topics: [Topic.intake.rawValue], handler: handler)])
    }
}
