import CareLoopContracts
import Foundation

/// Turns a validated submission into the `careloop.case.registered` event data.
///
/// Category, severity, department and deadlines are provisional until routing decides them: the
/// category hint (or `unclassified`), `ordinary`, customer service (first-contact owner) and the
/// default "113" clock counted in wall time from registration. Title and description travel with
/// personal data redacted (routing classifies on them; owners' names and phones never leave intake). The actor is
/// the staff member who took the report, when the submission names one.
package struct CaseRegistration: Sendable {
    /// Provisional deadlines until routing computes the real ones.
    package var provisionalAcknowledge: Duration = .seconds(3600)
    package var provisionalRespond: Duration = .seconds(86_400)
    package var provisionalResolve: Duration = .seconds(3 * 86_400)

    package init() {}

    /// Who took the report first: the staff id given, else the channel (首问负责).
    package static func taker(of submission: VoiceSubmission) -> String {
        submission.taker ?? submission.channel.rawValue
    }

    /// The registered event's data; it carries no owner name or phone.
    package func registeredEvent(
        caseID: UUID, reference: String, submission: VoiceSubmission, source: String, externalID: String, registeredAt: Date
    ) -> CaseEventData {
        func after(_ duration: Duration) -> Timestamp {
            Timestamp(registeredAt.addingTimeInterval(Double(duration.components.seconds)))
        }
        return CaseEventData(
            caseID: caseID.uuidString.lowercased(),
            reference: reference,
            externalRef: ExternalReference(source: source, id: externalID),
            status: .registered,
            kind: submission.kind,
            category: submission.categoryHint ?? "unclassified",
            severity: .ordinary,
            department: .customerService,
            property: submission.property,
            due: CaseDeadlines(
                acknowledgeBy: after(provisionalAcknowledge), respondBy: after(provisionalRespond),
                resolveBy: after(provisionalResolve)),
            occurredAt: Timestamp(registeredAt),
            ownerID: submission.owner.id,
            channel: submission.channel,
            title: submission.title.map { PersonalDataRedaction.redact($0, ownerName: submission.owner.name) },
            description: PersonalDataRedaction.redact(submission.description, ownerName: submission.owner.name),
            categoryHint: submission.categoryHint,
            inspectionBatch: submission.inspection?.batch,
            attachmentsCount: submission.attachments?.count ?? 0,
            submittedAt: submission.submittedAt,
            actor: submission.taker
        )
    }
}
