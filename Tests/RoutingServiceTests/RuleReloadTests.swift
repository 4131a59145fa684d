import CareLoopContracts
import Foundation
import Logging
import Testing

@testable import RoutingService

@Suite("Rule file reload", .timeLimit(.minutes(2)))
struct RuleReloadTests {
    /// A copy of the shipped rules in a temporary file, with `version`.
    func writeRules(version: String, to url: URL, modified: Date) throws {
        var ruleSet = try ClassificationFiles.ruleSet()
        ruleSet.version = version
        try JSONEncoder().encode(ruleSet).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)
    }

    @Test("a changed file is put in force; a bad one is logged and the rules in force stay; cases record the version")
    func reload() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try writeRules(version: "1.0.0", to: url, modified: start)
        var rules = try RoutingFixtures.rules()
        rules.classifier = try RuleFileWatcher.load(url.path)
        let book = RuleBook(rules)
        let watcher = RuleFileWatcher(
            path: url.path, ruleBook: book, interval: .seconds(60), initialStamp: RuleFileWatcher.stamp(of: url.path),
            logger: Logger(label: "test"))

        var poll = await watcher.poll(since: watcher.initialStamp)
        #expect(poll.outcome == .unchanged)

        try writeRules(version: "1.1.0", to: url, modified: start.addingTimeInterval(10))
        poll = await watcher.poll(since: poll.stamp)
        #expect(poll.outcome == .reloaded(version: "1.1.0"))
        #expect(await book.rules.classifier.ruleSet.version == "1.1.0")

        try Data(#"{"version": "2.0.0", "rules": []}"#.utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: start.addingTimeInterval(20)], ofItemAtPath: url.path)
        poll = await watcher.poll(since: poll.stamp)
        guard case .rejected(let problem) = poll.outcome else {
            Issue.record("a rule set without rules was accepted: \(poll.outcome)")
            return
        }
        #expect(problem.contains("no rules"))
        #expect(await book.rules.classifier.ruleSet.version == "1.1.0", "the old rules stay")
        #expect(await watcher.poll(since: poll.stamp).outcome == .unchanged, "a bad file is reported once")

        try Data("not json".utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: start.addingTimeInterval(30)], ofItemAtPath: url.path)
        poll = await watcher.poll(since: poll.stamp)
        #expect(poll.outcome != .unchanged && poll.outcome != .reloaded(version: "2.0.0"))
        #expect(await book.rules.classifier.ruleSet.version == "1.1.0")

        // The version in force is what routing records on each case.
        try await RoutingDatabase.with { database in
            let handler = CaseRegisteredHandler(ruleBook: book, eventSource: RoutingDatabase.source, replica: "test/1")
            _ = try await RoutingDatabase.apply(handler, [try RoutingDatabase.registered(RoutingFixtures.registered(at: Date()))], database: database)
            try writeRules(version: "1.2.0", to: url, modified: start.addingTimeInterval(40))
            #expect(await watcher.poll(since: poll.stamp).outcome == .reloaded(version: "1.2.0"))
            _ = try await RoutingDatabase.apply(handler, [try RoutingDatabase.registered(RoutingFixtures.registered(at: Date()))], database: database)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE rules_version = '1.1.0'", database) == 1)
            #expect(try await RoutingDatabase.int("SELECT count(*) FROM cases WHERE rules_version = '1.2.0'", database) == 1)
        }
    }
}
