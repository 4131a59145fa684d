import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Registers every valid `careloop.voice.submitted` event (one voice, or a unit's defects in the batch form) as
/// cases and emits `careloop.case.registered` through the outbox, set-based in the batch's transaction. Invalid
/// submissions and those for a city or project the registry does not know are rejected with their field errors
/// (they go to `careloop.intake.v1.dlt`).
struct VoiceSubmissionHandler: CloudEventHandler {
    let registrar: CaseRegistrar
    let registry: LivePropertyRegistry
    let maxFutureSkew: Duration
    let now: @Sendable () -> Date

    var acceptedTypes: Set<EventType> { [.voiceSubmitted] }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        let registry = try await registry.current()
        let receivedAt = now()
        var rejections: [EventRejection] = []
        var accepted: [AcceptedSubmission] = []
        for (index, inbound) in events.enumerated() {
            switch SubmissionIntake.check(inbound.event.data, registry: registry, now: receivedAt, maxFutureSkew: maxFutureSkew) {
            case .success(let submission):
                accepted.append(
                    AcceptedSubmission(
                        source: inbound.event.source, externalID: inbound.event.id, submission: submission,
                        requestHash: AcceptedSubmission.rawHash(of: inbound.event.data), traceparent: inbound.event.traceparent, tracestate: inbound.event.tracestate))
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
            }
        }
        _ = try await registrar.register(
            accepted, registry: registry, registeredAt: receivedAt, lookUpRepeats: false, connection: connection, logger: logger)
        return rejections
    }
}
