import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Reloads the classification rule file (`routing.rulesFile`) without a restart: polls its modification time and
/// size, and when they change loads and validates the file and puts it in force. A file that cannot be read or is
/// not a valid rule set is logged and the rules in force are kept; the next change is tried again.
struct RuleFileWatcher: Service {
    /// What identifies a version of the file on disk.
    struct Stamp: Hashable, Sendable {
        var modified: Date
        var size: Int
    }

    /// What one poll did.
    enum PollOutcome: Hashable, Sendable {
        /// The file did not change.
        case unchanged
        /// The new rule set is in force.
        case reloaded(version: String)
        /// The file changed but could not be used; the rules in force stay.
        case rejected(problem: String)
    }

    let path: String
    let ruleBook: RuleBook
    let interval: Duration
    /// The file as it was when the rules in force were loaded.
    let initialStamp: Stamp?
    let logger: Logger

    /// The stamp of the file at `path`, `nil` when it cannot be read.
    static func stamp(of path: String) -> Stamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return Stamp(modified: modified, size: (attributes[.size] as? NSNumber)?.intValue ?? -1)
    }

    /// Reads and validates the rule set at `path`.
    static func load(_ path: String) throws -> Classifier {
        let ruleSet = try JSONDecoder().decode(ClassificationRuleSet.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        return try Classifier(ruleSet: ruleSet)
    }

    func run() async throws {
        var last = initialStamp
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            last = await poll(since: last).stamp
        }
    }

    /// Reloads the file when its stamp differs from `last`; returns what happened and the stamp to compare with
    /// next time (the new one even when the file was rejected, so a bad file is reported once, not at every poll).
    func poll(since last: Stamp?) async -> (outcome: PollOutcome, stamp: Stamp?) {
        let current = Self.stamp(of: path)
        guard current != last else { return (.unchanged, last) }
        let inForce = await ruleBook.rules.classifier.ruleSet.version
        do {
            let classifier = try Self.load(path)
            await ruleBook.replaceClassifier(classifier)
            let version = classifier.ruleSet.version
            Counter(label: "careloop_routing_rules_reloads_total", dimensions: [("outcome", "reloaded")]).increment()
            logger.notice(
                "Classification rules reloaded", metadata: ["path": "\(path)", "version": "\(version)", "previous_version": "\(inForce)"])
            return (.reloaded(version: version), current)
        } catch {
            Counter(label: "careloop_routing_rules_reloads_total", dimensions: [("outcome", "rejected")]).increment()
            logger.error(
                "Classification rule file rejected; the rules in force stay",
                metadata: ["path": "\(path)", "version_in_force": "\(inForce)", "error": "\(error)"])
            return (.rejected(problem: "\(error)"), current)
        }
    }
}
