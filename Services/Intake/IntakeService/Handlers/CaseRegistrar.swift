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
        Array(SHA256.hash(data: try CareLoopJSON.encode(submission.voices) + [submission.isBatch ? 1 : 0]))
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

/// Registers accepted submissions set-based inside the caller's transaction: claims them (idempotency), draws
/// their references, writes cases, first timeline entries and owners, and enqueues one `careloop.case.registered`
/// per case in the outbox. A batch of any size costs four round trips.
struct CaseRegistrar: Sendable {
    let eventSource: String
    let cipher: PersonalDataCipher
    let phoneLookup: PhoneLookup
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
        // One claim per key; a key repeated within the call is answered like a later repeat.
        var firstIndex: [String: Int] = [:]
        var claims: [CaseRepository.Claim] = []
        var claimOf: [Int] = []
        var isFirst: [Bool] = []
        var submissionOf: [Int] = []
        var requests: [CaseRepository.NumberRequest] = []
        var requestOf: [(claim: Int, item: Int)] = []
        for submission in accepted {
            let key = submission.source + "\u{0}" + submission.externalID
            if let existing = firstIndex[key] {
                claimOf.append(existing)
                isFirst.append(false)
                continue
            }
            let claim = claims.count
            firstIndex[key] = claim
            claimOf.append(claim)
            isFirst.append(true)
            submissionOf.append(claimOf.count - 1)
            claims.append(
                CaseRepository.Claim(
                    source: submission.source, externalID: submission.externalID, requestHash: submission.requestHash,
                    items: submission.submission.voices.count, batch: submission.submission.isBatch))
            for (item, voice) in submission.submission.voices.enumerated() {
                let city = try Self.city(of: voice, in: registry)
                requests.append(
                    CaseRepository.NumberRequest(
                        prefix: city.referencePrefix, year: CaseReference.year(of: registeredAt, in: city.zone),
                        submission: claim))
                requestOf.append((claim, item))
            }
        }
        let (claimed, numbers) = try await repository.claim(claims, numbers: requests, receivedAt: registeredAt)

        var cases: [CaseRow] = []
        var owners: [String: OwnerRow] = [:]
        var ownerOrder: [String] = []
        var outbox: [(caseID: UUID, message: OutboxMessage)] = []
        var created: [Int: [RegisteredCase]] = [:]
        for (index, request) in requestOf.enumerated() where claimed.contains(request.claim) {
            guard let number = numbers[index] else { throw CaseRepositoryError(message: "no reference number for case \(index)") }
            let submission = accepted[submissionOf[request.claim]]
            let voice = submission.submission.voices[request.item]
            let city = try Self.city(of: voice, in: registry)
            let caseID = UUIDv7.make(at: registeredAt)
            let reference = CaseReference.format(prefix: city.referencePrefix, year: CaseReference.year(of: registeredAt, in: city.zone), number: number)
            let data = registration.registeredEvent(
                caseID: caseID, reference: reference, submission: voice, source: submission.source,
                externalID: submission.externalID, registeredAt: registeredAt)
            cases.append(try row(caseID: caseID, reference: reference, item: request.item, voice: voice, submission: submission, event: data))
            let event = try CloudEvent.json(
                id: "\(data.caseID).registered", source: eventSource, type: .caseRegistered, time: data.occurredAt,
                subject: data.caseID, traceparent: submission.traceparent, tracestate: submission.tracestate, payload: data)
            outbox.append((caseID, OutboxMessage(event: event, topic: .cases, key: data.caseID)))
            created[request.claim, default: []].append(RegisteredCase(caseID: caseID, reference: reference))
            if request.item == 0 {
                let owner = try ownerRow(voice.owner, city: city, at: registeredAt)
                if owners[owner.ownerID] == nil { ownerOrder.append(owner.ownerID) }
                owners[owner.ownerID] = owners[owner.ownerID].map { $0.updated(by: owner) } ?? owner
                logger.debug(
                    "Owner recorded",
                    metadata: ["owner_id": "\(owner.ownerID)", "phone": "\(voice.owner.phone.map(PersonalDataMask.phone) ?? "-")"])
            }
        }
        let inserted = try await repository.insert(cases: cases, owners: ownerOrder.compactMap { owners[$0] })
        try await Outbox.enqueue(outbox.filter { inserted.contains($0.caseID) }.map(\.message), connection: connection)
        Counter(label: "careloop_intake_cases_registered_total", dimensions: [("path", path)]).increment(by: inserted.count)
        for row in cases where inserted.contains(row.caseID) {
            logger.debug("Case registered", metadata: ["case_id": "\(row.caseID)", "reference": "\(row.reference)"])
        }

        var outcomes: [RegistrationOutcome] = []
        for (index, submission) in accepted.enumerated() {
            if isFirst[index], claimed.contains(claimOf[index]) {
                outcomes.append(.created(created[claimOf[index]] ?? []))
            } else if lookUpRepeats, let original = try await repository.registered(source: submission.source, externalID: submission.externalID) {
                outcomes.append(.repeated(original.cases, sameRequest: original.requestHash == submission.requestHash))
            } else {
                outcomes.append(.skipped)
            }
        }
        return outcomes
    }

    /// The registry's city of `voice` (the handler checked it is known).
    static func city(of voice: VoiceSubmission, in registry: PropertyRegistry) throws -> (referencePrefix: String, zone: TimeZone) {
        guard let city = registry.city(voice.property.city), let zone = TimeZone(identifier: city.timeZone) else {
            throw CaseRepositoryError(message: "city '\(voice.property.city)' vanished from the registry")
        }
        return (city.referencePrefix, zone)
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
            originals: Data(sealed.bytes), originalsKeyID: sealed.keyID, submittedAt: voice.submittedAt,
            registeredAt: event.occurredAt)
    }

    private func ownerRow(_ owner: VoiceSubmission.Owner, city: (referencePrefix: String, zone: TimeZone), at instant: Date) throws -> OwnerRow {
        let name = try owner.name.map { try cipher.seal($0, context: "owner.name:\(owner.id)") }
        let phone = try owner.phone.map { try cipher.seal($0, context: "owner.phone:\(owner.id)") }
        let moveIn = owner.moveInDate.flatMap(CivilDate.init(fullDate:))
        return OwnerRow(
            ownerID: owner.id, nameSealed: name.map { Data($0.bytes) }, nameKeyID: name?.keyID,
            phoneSealed: phone.map { Data($0.bytes) }, phoneKeyID: phone?.keyID,
            phoneLookup: owner.phone.map { Data(phoneLookup.hash($0)) }, language: owner.language, moveInDate: moveIn?.fullDate,
            lifecycleStage: LifecycleStage.stage(moveIn: moveIn, today: CivilDate.on(instant, in: city.zone))?.rawValue,
            seenAt: Timestamp(instant))
    }
}

extension OwnerRow {
    /// This row with every value `later` carries replacing its own (for an owner twice in one batch).
    func updated(by later: OwnerRow) -> OwnerRow {
        var merged = self
        if later.nameSealed != nil { (merged.nameSealed, merged.nameKeyID) = (later.nameSealed, later.nameKeyID) }
        if later.phoneSealed != nil {
            (merged.phoneSealed, merged.phoneKeyID, merged.phoneLookup) = (later.phoneSealed, later.phoneKeyID, later.phoneLookup)
        }
        merged.language = later.language ?? language
        if later.moveInDate != nil { (merged.moveInDate, merged.lifecycleStage) = (later.moveInDate, later.lifecycleStage) }
        merged.seenAt = later.seenAt
        return merged
    }
}

/// A broken invariant of intake's own SQL or data.
struct CaseRepositoryError: Error, CustomStringConvertible {
    var message: String
    var description: String { "intake storage: \(message)" }
}
