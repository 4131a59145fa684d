import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import Crypto
import Foundation
import Logging
import Metrics
import PostgresNIO

/// A submission accepted for registration: valid, for a known property, with its idempotency key.
struct AcceptedSubmission: Sendable {
    /// `ce_source`, or `api-key:<key id>` over HTTP.
    var source: String
    /// `ce_id`, or the `Idempotency-Key` over HTTP.
    var externalID: String
    var submission: IntakeSubmission
    /// What a repeat under the same key is compared with (``canonicalHash(of:)`` over HTTP).
    var requestHash: [UInt8]
    var traceparent: String?
    var tracestate: String?

    /// SHA-256 of the submission's canonical form: formatting, member order and unknown members do not change it;
    /// any value that matters does.
    static func canonicalHash(of submission: IntakeSubmission) throws -> [UInt8] {
        Array(SHA256.hash(data: try CareLoopJSON.canonical(submission.voices) + [submission.isBatch ? 1 : 0]))
    }

    /// SHA-256 of raw bytes (the topic path, where a repeat is never compared, only recorded).
    static func rawHash(of bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }
}

/// What became of one accepted submission.
enum RegistrationOutcome: Sendable, Hashable {
    /// Registered now: its cases, in defect order.
    case created([RegisteredCase])
    /// Registered before under the same key: the original cases, and whether this request equals the original.
    case repeated([RegisteredCase], sameRequest: Bool)
    /// Registered before under the same key; not looked up (the topic path needs no answer).
    case skipped
}

/// Registers accepted submissions set-based: numbers their cases, then claims them (idempotency) and writes cases,
/// first timeline entries, owners and one `careloop.case.registered` outbox row per case in one statement, atomic on
/// its own (the topic path runs it inside its batch's transaction; the HTTP path needs none). A batch of any size
/// costs one round trip (two when a new block of reference numbers is drawn), plus one per repeat looked up.
struct CaseRegistrar: Sendable {
    let eventSource: String
    let cipher: PersonalDataCipher
    let phoneLookup: PhoneLookup
    let numbers: ReferenceNumbers
    var registration = CaseRegistration()
    /// `topic` or `http`, for metrics.
    let path: String

    /// Registers `accepted` at `registeredAt`; returns one outcome per submission, in order. With
    /// `lookUpRepeats`, a submission registered before is answered with its original cases.
    func register(
        _ accepted: [AcceptedSubmission], registry: PropertyRegistry, registeredAt: Date, lookUpRepeats: Bool,
        connection: PostgresConnection, logger: Logger
    ) async throws -> [RegistrationOutcome] {
        guard !accepted.isEmpty else { return [] }
        let repository = CaseRepository(connection: connection, logger: logger)
        // One claim per key: a key repeated within the call is answered like a later repeat.
        var seen: Set<CaseRepository.SubmissionKey> = []
        let firsts = accepted.indices.filter { seen.insert(Self.key(of: accepted[$0])).inserted }
        var items: [(submission: Int, item: Int, city: PropertyCity, zone: TimeZone)] = []
        for index in firsts {
            for (item, voice) in accepted[index].submission.voices.enumerated() {
                let (city, zone) = try Self.city(of: voice, in: registry)
                items.append((index, item, city, zone))
            }
        }
        let numbers = try await numbers.take(
            items.map { ReferenceNumbers.Key(prefix: $0.city.referencePrefix, year: CaseReference.year(of: registeredAt, in: $0.zone)) },
            connection: connection, logger: logger)

        var cases: [CaseRow] = []
        var owners: [OwnerRow] = []
        var outbox: [OutboxMessage] = []
        var built: [Int: [RegisteredCase]] = [:]
        for ((index, item, city, zone), number) in zip(items, numbers) {
            let submission = accepted[index]
            let voice = submission.submission.voices[item]
            let caseID = UUIDv7.make(at: registeredAt)
            let reference = CaseReference.format(
                prefix: city.referencePrefix, year: CaseReference.year(of: registeredAt, in: zone), number: number)
            let data = registration.registeredEvent(
                caseID: caseID, reference: reference, submission: voice, source: submission.source,
                externalID: submission.externalID, registeredAt: registeredAt)
            cases.append(try row(caseID: caseID, reference: reference, item: item, voice: voice, submission: submission, event: data))
            let event = try CloudEvent.json(
                id: "\(data.caseID).registered", source: eventSource, type: .caseRegistered, time: data.occurredAt,
                subject: data.caseID, traceparent: submission.traceparent, tracestate: submission.tracestate, payload: data)
            outbox.append(OutboxMessage(event: event, topic: .cases, key: data.caseID))
            built[index, default: []].append(RegisteredCase(caseID: caseID, reference: reference))
            if item == 0 {
                owners.append(try ownerRow(voice.owner, submission: submission, position: index, zone: zone, at: registeredAt))
                logger.debug(
                    "Owner recorded",
                    metadata: ["owner_id": "\(voice.owner.id)", "phone": "\(voice.owner.phone.map(PersonalDataMask.phone) ?? "-")"])
            }
        }
        let claims = firsts.map { index in
            CaseRepository.Claim(
                source: accepted[index].source, externalID: accepted[index].externalID, requestHash: accepted[index].requestHash,
                items: accepted[index].submission.voices.count, batch: accepted[index].submission.isBatch)
        }
        let registered = try await repository.register(claims, cases: cases, events: outbox, owners: owners, receivedAt: registeredAt)
        Counter(label: "careloop_intake_cases_registered_total", dimensions: [("path", path)]).increment(by: registered.inserted.count)
        for row in cases where registered.inserted.contains(row.caseID) {
            logger.debug("Case registered", metadata: ["case_id": "\(row.caseID)", "reference": "\(row.reference)"])
        }

        let firstSet = Set(firsts)
        var outcomes: [RegistrationOutcome] = []
        for (index, submission) in accepted.enumerated() {
            if firstSet.contains(index), registered.claimed.contains(Self.key(of: submission)) {
                outcomes.append(.created(built[index] ?? []))
            } else if lookUpRepeats, let original = try await repository.registered(source: submission.source, externalID: submission.externalID) {
                outcomes.append(.repeated(original.cases, sameRequest: original.requestHash == submission.requestHash))
            } else {
                outcomes.append(.skipped)
            }
        }
        return outcomes
    }

    private static func key(of submission: AcceptedSubmission) -> CaseRepository.SubmissionKey {
        CaseRepository.SubmissionKey(source: submission.source, externalID: submission.externalID)
    }

    /// The registry's city of `voice` and its time zone (the handler checked the city is known).
    static func city(of voice: VoiceSubmission, in registry: PropertyRegistry) throws -> (PropertyCity, TimeZone) {
        guard let city = registry.city(voice.property.city), let zone = TimeZone(identifier: city.timeZone) else {
            throw CaseRepositoryError(message: "city '\(voice.property.city)' vanished from the registry")
        }
        return (city, zone)
    }

    private func row(
        caseID: UUID, reference: String, item: Int, voice: VoiceSubmission, submission: AcceptedSubmission, event: CaseEventData
    ) throws -> CaseRow {
        let originals = try CareLoopJSON.encode(["title": voice.title ?? "", "description": voice.description])
        let sealed = try cipher.seal(String(decoding: originals, as: UTF8.self), context: "case.originals:\(caseID.uuidString.lowercased())")
        return CaseRow(
            caseID: caseID, reference: reference, source: submission.source, externalID: submission.externalID,
            submissionItem: item, kind: voice.kind.rawValue, channel: voice.channel.rawValue, city: voice.property.city,
            project: voice.property.project, building: voice.property.building, unit: voice.property.unit,
            ownerID: voice.owner.id, title: event.title, description: event.description ?? "", categoryHint: voice.categoryHint,
            attachments: voice.attachments ?? [], inspectionBatch: voice.inspection?.batch, taker: CaseRegistration.taker(of: voice),
            category: event.category, severity: event.severity.rawValue, department: event.department.rawValue,
            acknowledgeBy: event.due.acknowledgeBy, respondBy: event.due.respondBy, resolveBy: event.due.resolveBy,
            originals: sealed.bytes, originalsKeyID: sealed.keyID, submittedAt: voice.submittedAt,
            registeredAt: event.occurredAt)
    }

    private func ownerRow(
        _ owner: VoiceSubmission.Owner, submission: AcceptedSubmission, position: Int, zone: TimeZone, at instant: Date
    ) throws -> OwnerRow {
        let name = try owner.name.map { try cipher.seal($0, context: "owner.name:\(owner.id)") }
        let phone = try owner.phone.map { try cipher.seal($0, context: "owner.phone:\(owner.id)") }
        let moveIn = owner.moveInDate.flatMap(CivilDate.init(fullDate:))
        return OwnerRow(
            source: submission.source, externalID: submission.externalID, position: position, ownerID: owner.id, name: name,
            phone: phone, phoneLookup: owner.phone.map { phoneLookup.hash($0) }, language: owner.language, moveInDate: moveIn?.fullDate,
            lifecycleStage: LifecycleStage.stage(moveIn: moveIn, today: CivilDate.on(instant, in: zone))?.rawValue,
            seenAt: Timestamp(instant))
    }
}

/// A broken invariant of intake's own SQL or data.
struct CaseRepositoryError: Error, CustomStringConvertible {
    var message: String
    var description: String { "intake storage: \(message)" }
}
