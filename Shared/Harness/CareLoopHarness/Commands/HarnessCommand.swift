import CareLoopTestSupport
import Foundation
import Logging

/// A `careloop-harness` subcommand.
package protocol HarnessCommand: Sendable {
    /// The subcommand word, e.g. `load`.
    static var name: String { get }
    /// Usage lines, printed by `--help` and with usage errors.
    static var usage: String { get }
    /// Runs the command; returns the process exit status (0 passed, 1 something lost, doubled or failed).
    static func run(_ options: CommandOptions, logger: Logger) async throws -> Int32
}

/// Every subcommand.
package let harnessCommands: [any HarnessCommand.Type] = [LoadCommand.self, VerifyCommand.self, ChaosCommand.self, BenchCommand.self]

/// Options several subcommands share.
enum SharedOptions {
    /// The checkout's root (scripts, seed files, `.run`).
    static var root: URL { ServiceProcess.repositoryRoot }

    /// `--bootstrap` or the contents of `--bootstrap-file` (default `.run/devbroker.bootstrap`).
    static func bootstrapServers(_ options: CommandOptions) throws -> String {
        if let servers = options.string("bootstrap") { return servers }
        let path = options.string("bootstrap-file") ?? root.appendingPathComponent(".run/devbroker.bootstrap").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw UsageError("no bootstrap servers: pass --bootstrap host:port or --bootstrap-file (is `make up` running?); tried \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `--reports` (default `reports/` in the checkout) plus a time-stamped folder named `<kind>-<time>`.
    static func reportsFolder(_ options: CommandOptions, kind: String) -> URL {
        let base = options.string("reports").map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("reports")
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return base.appendingPathComponent("\(kind)-\(formatter.string(from: Date()))")
    }

    /// `--services a,b` (default every service).
    static func services(_ options: CommandOptions) throws -> [ServiceName] {
        guard let text = options.string("services") else { return ServiceName.allCases }
        return try text.split(separator: ",").map { word in
            guard let service = ServiceName(rawValue: String(word)) else {
                throw UsageError("--services: unknown service '\(word)' (\(ServiceName.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return service
        }
    }

    /// `--set CARELOOP_KEY=value,…`: settings given to every service on top of the harness's own (for comparing a
    /// setting, e.g. `--set CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS=50`); glibc's `MALLOC_*` tunables too (e.g.
    /// `MALLOC_ARENA_MAX=2`, to tell allocator fragmentation from a leak in a soak).
    static func settingOverrides(_ options: CommandOptions, services: [ServiceName]) throws -> [ServiceName: [String: String]] {
        guard let text = options.string("set") else { return [:] }
        var overrides: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0].hasPrefix("CARELOOP_") || parts[0].hasPrefix("MALLOC_"), !parts[1].isEmpty else {
                throw UsageError("--set takes CARELOOP_KEY=value (or MALLOC_KEY=value) pairs separated by commas, got '\(pair)'")
            }
            overrides[parts[0]] = parts[1]
        }
        return Dictionary(uniqueKeysWithValues: services.map { ($0, overrides) })
    }

    /// `--catalogue` (default intake's seed file, else the built-in portfolio).
    static func catalogue(_ options: CommandOptions) throws -> PropertyCatalogue {
        try PropertyCatalogue.resolve(path: options.string("catalogue"), root: root)
    }
}
