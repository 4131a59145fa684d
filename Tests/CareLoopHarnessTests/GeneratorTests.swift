import CareLoopContracts
import CareLoopHarness
import CareLoopKafka
import Foundation
import Testing

@Suite("Load generator: deterministic, realistic, with the agreed shares")
struct GeneratorTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func stream(_ count: Int, seed: UInt64 = 7, httpShare: Double = 0, configure: (inout GeneratorConfiguration) -> Void = { _ in }) -> [PlannedSubmission] {
        var configuration = GeneratorConfiguration(runID: "t", seed: seed)
        configuration.httpShare = httpShare
        configure(&configuration)
        var generator = SubmissionGenerator(configuration: configuration, catalogue: .builtIn)
        return (0..<count).map { index in generator.next(now: now.addingTimeInterval(Double(index) / 100)) }
    }

    static let large = stream(20_000)

    @Test("the same seed gives byte-identical submissions; another seed does not")
    func deterministic() {
        let first = Self.stream(2_000)
        let again = Self.stream(2_000)
        #expect(first == again)
        let other = Self.stream(2_000, seed: 8)
        #expect(first.map(\.body) != other.map(\.body))
        #expect(Set(first.map(\.sequence)) == Set(0..<2_000), "sequences are 0..<n without gaps")
    }

    @Test("about 1 % exact duplicates and 0.5 % malformed records")
    func shares() {
        let duplicates = Self.large.count { if case .duplicate = $0.expectation { true } else { false } }
        let malformed = Self.large.count { !$0.mustRegister }
        #expect((140...260).contains(duplicates), "duplicates: \(duplicates) of 20,000")
        #expect((60...140).contains(malformed), "malformed: \(malformed) of 20,000")
    }

    @Test("a duplicate repeats an earlier submission exactly: source, id, key and body")
    func duplicatesAreExact() throws {
        let bySequence = Dictionary(uniqueKeysWithValues: Self.large.map { ($0.sequence, $0) })
        var checked = 0
        for submission in Self.large {
            guard case .duplicate(let original) = submission.expectation else { continue }
            let first = try #require(bySequence[original])
            #expect(original < submission.sequence)
            #expect(first.mustRegister)
            #expect(first.id == submission.id && first.source == submission.source && first.key == submission.key && first.body == submission.body)
            #expect(first.transport == submission.transport, "a resend uses the original's transport")
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test("valid submissions pass the contract's validation; malformed ones break it as their reason says")
    func validity() throws {
        for submission in Self.large.prefix(3_000) where submission.mustRegister {
            let parsed = VoiceSubmission.parse(json: submission.body, now: Self.now.addingTimeInterval(60))
            guard case .success(let value) = parsed else {
                Issue.record("valid submission \(submission.sequence) rejected: \(parsed)")
                continue
            }
            #expect(value.property.cityProjectKey == submission.key)
            #expect(submission.id != nil)
        }
        let malformed = Self.large.filter { !$0.mustRegister }
        for submission in malformed {
            guard case .malformed(let reason) = submission.expectation else { continue }
            let record = submission.record(sentAt: Self.now)
            if reason == .missingEventID {
                #expect(record.headers.first { $0.key == "ce_id" } == nil)
                #expect(throws: CloudEventDecodingError.self) { try CloudEvent(headers: record.headers, value: record.value) }
            } else {
                let parsed = VoiceSubmission.parse(json: submission.body, now: Self.now.addingTimeInterval(60))
                if case .success = parsed { Issue.record("\(reason) submission \(submission.sequence) passed validation") }
            }
        }
        #expect(Set(malformed.compactMap { if case .malformed(let reason) = $0.expectation { reason } else { nil } }).count >= 5, "several kinds of breakage")
    }

    @Test("bursts: 5–7 distinct owners of one project reporting one category, back to back")
    func bursts() throws {
        let members = Dictionary(grouping: Self.large.filter { $0.burst != nil }, by: { $0.burst! })
        #expect(members.count >= 40, "a burst every 400 submissions: \(members.count)")
        for (burst, submissions) in members {
            #expect((5...7).contains(submissions.count), "\(burst): \(submissions.count) members")
            #expect(Set(submissions.map(\.facts.ownerID)).count == submissions.count, "\(burst): distinct owners")
            #expect(Set(submissions.map(\.key)).count == 1, "\(burst): one project")
            #expect(Set(submissions.map(\.facts.category)).count == 1, "\(burst): one category")
            let sequences = submissions.map(\.sequence).sorted()
            #expect(sequences.last! - sequences.first! == sequences.count - 1, "\(burst): consecutive")
            for submission in submissions {
                let value = try CareLoopJSON.decode(VoiceSubmission.self, from: submission.body)
                #expect(value.categoryHint == submission.facts.category)
                #expect(value.kind == .complaint || value.kind == .repair)
            }
        }
    }

    @Test("Chinese and English texts, every kind and channel, many projects with a few large ones")
    func variety() throws {
        let valid = Self.large.filter { $0.expectation == .valid }
        let values = try valid.map { try CareLoopJSON.decode(VoiceSubmission.self, from: $0.body) }
        let chinese = values.filter { $0.description.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        let english = values.filter { $0.owner.language == "en" }
        #expect(chinese.count > values.count / 2, "Chinese descriptions: \(chinese.count)")
        #expect((values.count / 6...values.count / 3).contains(english.count), "English owners: \(english.count)")
        #expect(english.allSatisfy { !$0.description.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } })
        #expect(Set(values.map(\.kind)) == Set(VoiceKind.known))
        #expect(Set(values.map(\.channel)) == Set(Channel.known))
        #expect(values.filter { $0.channel == .inspection }.allSatisfy { $0.inspection != nil && $0.kind == .repair })
        let hotSpots = Set(VoiceTopic.hotSpots.map(\.category))
        #expect(hotSpots.count == 6)
        #expect(hotSpots.isSubset(of: Set(valid.map(\.facts.category))))
        let perProject = Dictionary(grouping: valid, by: \.key).mapValues(\.count)
        #expect(perProject.count >= 30, "projects used: \(perProject.count)")
        let largest = perProject.values.max() ?? 0
        #expect(Double(largest) > 3 * Double(valid.count) / Double(perProject.count), "the largest project takes a big share: \(largest)")
    }

    @Test("HTTP share: about the configured share, never with topic-only breakage")
    func httpShare() {
        let stream = Self.stream(10_000, httpShare: 0.2)
        let http = stream.filter { $0.transport == .http }
        #expect((1_700...2_300).contains(http.count), "HTTP submissions: \(http.count)")
        for submission in http {
            if case .malformed(let reason) = submission.expectation { #expect(!reason.isTopicOnly) }
        }
    }

    @Test("poison records break the envelope or the bytes", arguments: MalformedReason.poison)
    func poison(reason: MalformedReason) throws {
        var generator = SubmissionGenerator(configuration: GeneratorConfiguration(runID: "p"), catalogue: .builtIn)
        let planned = generator.poison(reason, key: "poison/P-1", now: Self.now)
        let record = planned.record(sentAt: Self.now)
        #expect(record.key == Array("poison/P-1".utf8))
        #expect(planned.expectation == .malformed(reason))
        switch reason {
        case .wrongSpecVersion, .missingEventID, .emptyValue:
            #expect(throws: CloudEventDecodingError.self) { try CloudEvent(headers: record.headers, value: record.value) }
        case .unknownType:
            let event = try CloudEvent(headers: record.headers, value: record.value)
            #expect(!EventType.known.contains(event.type))
        case .notUTF8:
            #expect(String(validating: record.value, as: UTF8.self) == nil)
        default:
            #expect((try? JSONSerialization.jsonObject(with: Data(record.value))) == nil)
        }
    }
}
