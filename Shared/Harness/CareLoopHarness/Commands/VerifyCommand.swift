import Foundation
import Logging

/// `careloop-harness verify`: accounts for every submission of a manifest against a running stack.
package enum VerifyCommand: HarnessCommand {
    package static let name = "verify"
    package static let usage = """
        verify --manifest FILE [--bootstrap HOST:PORT | --bootstrap-file FILE]
               [--database postgres://postgres@127.0.0.1:54329/careloop | --no-database] [--schemas intake=intake,routing=routing]
               [--wait 60s] [--group-prefix careloop] [--report FILE.json]
        """

    package static func run(_ options: CommandOptions, logger: Logger) async throws -> Int32 {
        try options.requireOnly(["manifest", "bootstrap", "bootstrap-file", "database", "no-database", "schemas", "wait", "group-prefix", "report"])
        guard let path = options.string("manifest") else { throw UsageError("--manifest is required") }
        let manifestURL = URL(fileURLWithPath: path)
        let manifest = try ManifestReader.read(from: manifestURL)
        var schemas = DatabaseTarget.defaultSchemas
        for pair in (options.string("schemas") ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw UsageError("--schemas takes service=schema pairs, got '\(pair)'") }
            schemas[parts[0]] = parts[1]
        }
        let database = options.flag("no-database")
            ? nil : try DatabaseTarget(url: options.string("database") ?? "postgres://postgres@127.0.0.1:54329/careloop", schemas: schemas)
        let groups = ConsumerGroup.standard(prefix: options.string("group-prefix") ?? "careloop", services: ServiceName.allCases)
        let verifier = Verifier(bootstrapServers: try SharedOptions.bootstrapServers(options), database: database, groups: groups, logger: logger)
        let wait = try options.duration("wait") ?? .seconds(60)
        var drain = DrainOutcome.drained(.zero)
        if wait > .zero {
            drain = await verifier.waitForDrain(registered: Verifier.expectedCases(manifest), timeout: wait)
            if drain.duration == nil { logger.warning("The pipeline did not drain within the wait; verifying what is there") }
        }
        let report = try await verifier.verify(manifest: manifest, drain: drain)
        let reportURL = options.string("report").map { URL(fileURLWithPath: $0) } ?? manifestURL.deletingLastPathComponent().appendingPathComponent("verify.json")
        try ReportWriter.write(report, text: report.text, to: reportURL.deletingLastPathComponent(), name: reportURL.deletingPathExtension().lastPathComponent)
        print(report.text)
        print("report: \(reportURL.path)")
        return report.passed ? 0 : 1
    }
}
