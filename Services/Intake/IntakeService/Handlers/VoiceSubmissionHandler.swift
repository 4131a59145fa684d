import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Registers every valid `careloop.voice.submitted` event as a case and emits
/// `careloop.case.registered` through the outbox, in the batch's transaction. Invalid submissions are
/// rejected with their field errors (they go to `careloop.intake.v1.dlt`).
struct VoiceSubmissionHandler: CloudEventHandler {
    let eventSource: String
    let registration = CaseRegistration()
    let now: @Sendable () -> Date

    var acceptedTypes: Set<EventType> { [.voiceSubmitted] }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        let repository = CaseRepository(connection: connection, logger: logger)
        var rejections: [EventRejection] = []
        var outbox: [OutboxMessage] = []
        for (index, inbound) in events.enumerated() {
            let registeredAt = now()
            let submission: VoiceSubmission
            switch VoiceSubmission.parse(json: inbound.event.data, now: registeredAt) {
            case .success(let parsed): submission = parsed
            case .failure(let errors):
                rejections.append(EventRejection(index: index, validationErrors: errors))
                continue
            }
            let caseID = UUIDv7.make(at: registeredAt)
            let prefix = CaseReference.prefix(city: submission.property.city, project: submission.property.project)
            let year = Calendar(identifier: .gregorian).component(.year, from: registeredAt)
            let number = try await repository.nextReferenceNumber(prefix: prefix, year: year)
            let reference = CaseReference.format(prefix: prefix, year: year, number: number)
            let inserted = try await repository.insert(
                caseID: caseID, reference: reference, submission: submission, source: inbound.event.source,
                externalID: inbound.event.id, registeredAt: registeredAt)
            guard inserted else { continue }  // already registered under another inbox key
            let data = registration.registeredEvent(
                caseID: caseID, reference: reference, submission: submission, source: inbound.event.source,
                externalID: inbound.event.id, registeredAt: registeredAt)
            let event = try CloudEvent.json(
                id: "\(data.caseID).registered", source: eventSource, type: .caseRegistered, time: data.occurredAt,
                subject: data.caseID, traceparent: inbound.event.traceparent, tracestate: inbound.event.tracestate, payload: data)
            outbox.append(OutboxMessage(event: event, topic: .cases, key: data.caseID))
            logger.debug("Case registered", metadata: ["case_id": "\(data.caseID)", "reference": "\(reference)"])
        }
        try await Outbox.enqueue(outbox, connection: connection)
        return rejections
    }
}
