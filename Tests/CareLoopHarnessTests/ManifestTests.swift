import CareLoopContracts
import CareLoopHarness
import Foundation
import Testing

@Suite("Manifest: one JSON line per submission, read back exactly")
struct ManifestTests {
    @Test("entries written as JSONL read back equal, with the expectation of each")
    func roundTrip() async throws {
        var configuration = GeneratorConfiguration(runID: "m")
        configuration.duplicateShare = 0.2
        configuration.malformedShare = 0.2
        var generator = SubmissionGenerator(configuration: configuration, catalogue: .builtIn)
        let planned = (0..<200).map { _ in generator.next(now: Date(timeIntervalSince1970: 1_795_000_000)) }
        var entries = planned.map { ManifestEntry($0, sentAt: Timestamp(secondsSince1970: 1_795_000_000)) }
        for index in entries.indices where index % 3 == 0 {
            entries[index].accepted = true
            entries[index].attempts = 2
            entries[index].partition = 4
            entries[index].offset = Int64(index)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)/run.jsonl")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let writer = try ManifestWriter(url: url)
        try await writer.append(Array(entries[..<100]))
        try await writer.append(Array(entries[100...]))
        try await writer.close()

        let read = try ManifestReader.read(from: url)
        #expect(read == entries)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 200)
        #expect(text.contains(#""expectation":"duplicate""#) && text.contains(#""duplicate_of":"#))
        #expect(text.contains(#""expectation":"malformed""#) && text.contains(#""reason":""#))
        for (entry, submission) in zip(read, planned) {
            #expect(entry.expected == submission.expectation)
            #expect(entry.mustRegister == submission.mustRegister)
            #expect(entry.burst == submission.burst)
        }
    }

    @Test("a broken line is reported with its number")
    func brokenLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("{\"sequence\": 1}\n".utf8).write(to: url)
        #expect {
            try ManifestReader.read(from: url)
        } throws: { error in
            String(describing: error).contains(":1:")
        }
    }
}
