import CareLoopContracts
import Foundation

/// Produces a deterministic stream of realistic submissions: many cities and projects with a skewed share, every
/// kind and channel, Chinese and English texts by complaint category, about 1 % exact duplicates, 0.5 % malformed
/// records, and now and then a burst of ≥ 5 distinct owners of one project reporting the same category (which
/// should open a group incident).
///
/// The same configuration, catalogue and sequence of `now` values give byte-identical submissions.
package struct SubmissionGenerator: Sendable {
    package let configuration: GeneratorConfiguration
    private var random: SeededGenerator
    private let projects: WeightedTable<PropertyCatalogue.Project>
    private let topics: WeightedTable<VoiceTopic>
    private let hotSpots: WeightedTable<VoiceTopic>
    private let channels: WeightedTable<Channel>
    private var nextSequence = 0
    /// Recent valid submissions, the pool duplicates are drawn from.
    private var recent: [PlannedSubmission] = []
    /// Burst members still to hand out, in order.
    private var pendingBurst: [BurstMember] = []
    private var sinceBurst = 0
    private var burstCount = 0

    private struct BurstMember: Sendable {
        var project: PropertyCatalogue.Project
        var topic: VoiceTopic
        var kind: VoiceKind
        var burst: String
        var ownerID: String
    }

    private static let recentPoolSize = 512
    private static let sourceByChannel: [Channel: String] = [
        .hotline: "crm://acme/hotline", .frontDesk: "crm://acme/front-desk", .app: "app://acme/owner-app",
        .wechat: "wechat://acme/gateway", .web: "web://acme/forum", .email: "mail://acme/inbox", .letter: "crm://acme/letters",
        .staffReport: "field://acme/staff", .inspection: "tablet://acme/inspection",
    ]

    /// A generator over `catalogue`.
    package init(configuration: GeneratorConfiguration, catalogue: PropertyCatalogue) {
        self.configuration = configuration
        random = SeededGenerator(seed: configuration.seed)
        projects = WeightedTable(catalogue.projects.map { ($0, $0.weight) })
        topics = WeightedTable(VoiceTopic.all.map { ($0, $0.weight) })
        hotSpots = WeightedTable(VoiceTopic.hotSpots.map { ($0, $0.weight) })
        channels = WeightedTable([
            (.hotline, 25), (.app, 20), (.wechat, 20), (.frontDesk, 10), (.web, 6), (.email, 4), (.letter, 1),
            (.staffReport, 6), (.inspection, 8),
        ])
    }

    /// How many submissions were handed out so far.
    package var generatedCount: Int { nextSequence }

    /// The next submission; `now` stamps `submitted_at` (a little before `now`).
    package mutating func next(now: Date) -> PlannedSubmission {
        if !pendingBurst.isEmpty {
            let member = pendingBurst.removeFirst()
            return remember(
                makeValid(
                    project: member.project, topic: member.topic, kind: member.kind, ownerID: member.ownerID, burst: member.burst,
                    now: now))
        }
        let draw = random.unit()
        if draw < configuration.malformedShare {
            return makeMalformed(now: now)
        }
        if draw < configuration.malformedShare + configuration.duplicateShare, !recent.isEmpty {
            return makeDuplicate()
        }
        sinceBurst += 1
        if configuration.burstEvery > 0, sinceBurst >= configuration.burstEvery {
            sinceBurst = 0
            scheduleBurst()
        }
        let project = projects.pick(using: &random)
        let topic = topics.pick(using: &random)
        return remember(makeValid(project: project, topic: topic, kind: nil, ownerID: nil, burst: nil, now: now))
    }

    /// A poison record for the poison scenario: broken as `reason` says, under `key`.
    package mutating func poison(_ reason: MalformedReason, key: String, now: Date) -> PlannedSubmission {
        var planned = makeValid(project: projects.pick(using: &random), topic: topics.pick(using: &random), kind: nil, ownerID: nil, burst: nil, now: now)
        planned.transport = .topic
        planned.key = key
        spoil(&planned, as: reason, now: now)
        return planned
    }

    // MARK: Building submissions

    private mutating func takeSequence() -> Int {
        defer { nextSequence += 1 }
        return nextSequence
    }

    private mutating func remember(_ planned: PlannedSubmission) -> PlannedSubmission {
        recent.append(planned)
        if recent.count > Self.recentPoolSize { recent.removeFirst(recent.count - Self.recentPoolSize) }
        return planned
    }

    private mutating func scheduleBurst() {
        burstCount += 1
        let burst = String(format: "burst-%04d", burstCount)
        let project = projects.pick(using: &random)
        let topic = hotSpots.pick(using: &random)
        let size = random.integer(in: configuration.burstSize)
        pendingBurst = (0..<size).map { index in
            BurstMember(
                project: project, topic: topic, kind: index % 3 == 2 ? .repair : .complaint, burst: burst,
                ownerID: "OWN-\(project.project)-\(configuration.runID)-\(burst)-\(index)")
        }
    }

    private mutating func makeDuplicate() -> PlannedSubmission {
        var copy = random.element(of: recent)
        let original = copy.sequence
        copy.sequence = takeSequence()
        copy.expectation = .duplicate(of: original)
        copy.burst = nil
        return copy
    }

    private mutating func makeMalformed(now: Date) -> PlannedSubmission {
        var planned = makeValid(project: projects.pick(using: &random), topic: topics.pick(using: &random), kind: nil, ownerID: nil, burst: nil, now: now)
        let reasons = planned.transport == .http ? MalformedReason.ordinary.filter { !$0.isTopicOnly } : MalformedReason.ordinary
        spoil(&planned, as: random.element(of: reasons), now: now)
        return planned
    }

    /// A valid submission; `kind`, `ownerID` and `burst` are drawn when `nil`.
    private mutating func makeValid(
        project: PropertyCatalogue.Project, topic: VoiceTopic, kind: VoiceKind?, ownerID: String?, burst: String?, now: Date
    ) -> PlannedSubmission {
        let sequence = takeSequence()
        var channel = channels.pick(using: &random)
        var topic = topic
        var kind = kind ?? (random.chance(0.06) ? random.element(of: VoiceKind.known) : random.element(of: topic.kinds))
        if burst != nil, channel == .inspection { channel = .hotline }
        if channel == .inspection {
            // Open-day and delivery inspections record construction defects as repairs.
            if !topic.isHotSpot { topic = hotSpots.pick(using: &random) }
            kind = .repair
        }
        let language = random.chance(configuration.englishShare) ? "en" : project.language
        let phrase = random.element(of: topic.phrases(language: language))
        let building = String(random.integer(in: 1...project.buildings))
        let unit = String(random.integer(in: 1...33) * 100 + random.integer(in: 1...4))
        let owner = ownerID ?? "OWN-\(project.project)-\(random.integer(in: 1...(project.buildings * 120)))"
        let description = [phrase.description, VoiceKindSentence.location(building: building, unit: unit, language: language),
                           VoiceKindSentence.closing(for: kind, language: language)].joined(separator: language == "en" ? " " : "")
        let attachmentCount = random.chance(0.3) ? random.integer(in: 1...3) : 0
        let submission = VoiceSubmission(
            kind: kind, channel: channel,
            submittedAt: Timestamp(now.addingTimeInterval(-Double(random.integer(in: 0...1800)))),
            owner: VoiceSubmission.Owner(
                id: owner, name: OwnerNames.name(language: language, using: &random),
                phone: random.chance(0.9) ? OwnerNames.phone(using: &random) : nil, language: language == "en" ? "en" : language),
            property: PropertyAddress(city: project.city, project: project.project, building: building, unit: unit),
            title: random.chance(0.9) ? phrase.title : nil,
            description: description,
            categoryHint: burst != nil || random.chance(configuration.categoryHintShare) ? topic.category : nil,
            attachments: attachmentCount == 0 ? nil : (1...attachmentCount).map { index in
                VoiceSubmission.Attachment(url: "https://files.example.com/\(configuration.runID)/\(sequence)/\(index).jpg", contentType: "image/jpeg")
            },
            inspection: channel == .inspection
                ? VoiceSubmission.Inspection(batch: "DELIVERY-2026-11-\(project.project)-B\(building)") : nil)
        let transport: Transport = random.chance(configuration.httpShare) ? .http : .topic
        return PlannedSubmission(
            sequence: sequence, transport: transport, source: Self.sourceByChannel[channel] ?? "crm://acme/other",
            id: "\(configuration.runID)-\(sequence)", key: project.key, body: Self.encode(submission), expectation: .valid,
            burst: burst,
            facts: .init(
                kind: kind.rawValue, channel: channel.rawValue, city: project.city, project: project.project, category: topic.category,
                language: language, ownerID: owner))
    }

    /// Breaks a valid submission the way `reason` says.
    private mutating func spoil(_ planned: inout PlannedSubmission, as reason: MalformedReason, now: Date) {
        planned.expectation = .malformed(reason)
        guard var submission = try? CareLoopJSON.decode(VoiceSubmission.self, from: planned.body) else { return }
        switch reason {
        case .badJSON:
            planned.body = Array(planned.body.prefix(planned.body.count / 2))
        case .missingDescription:
            planned.body = Self.removing("description", from: planned.body)
        case .badPhone:
            submission.owner.phone = "138 0013 8000"
            planned.body = Self.encode(submission)
        case .unknownKind:
            submission.kind = VoiceKind(rawValue: "grievance")
            planned.body = Self.encode(submission)
        case .futureSubmittedAt:
            submission.submittedAt = Timestamp(now.addingTimeInterval(86_400))
            planned.body = Self.encode(submission)
        case .descriptionTooLong:
            submission.description = String(repeating: "漏", count: FieldLimits.description + 1)
            planned.body = Self.encode(submission)
        case .missingEventID:
            planned.id = nil
        case .notUTF8:
            planned.body = (0..<64).map { UInt8(0x80 + ($0 * 7) % 0x7f) }
        case .wrongSpecVersion:
            planned.headerOverrides["ce_specversion"] = "0.3"
        case .unknownType:
            planned.headerOverrides["ce_type"] = "careloop.voice.whispered"
        case .emptyValue:
            planned.body = []
        }
    }

    private static func encode(_ submission: VoiceSubmission) -> [UInt8] {
        // Encoding a value built from valid parts cannot fail; a failure is a bug of the generator.
        guard let bytes = try? CareLoopJSON.encode(submission) else { fatalError("VoiceSubmission did not encode") }
        return bytes
    }

    private static func removing(_ member: String, from body: [UInt8]) -> [UInt8] {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return body }
        object.removeValue(forKey: member)
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return body }
        return Array(data)
    }
}
