import AsyncHTTPClient
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Logging

/// `careloop-harness load`: sends generated submissions to a running stack (e.g. `make up`) and writes the manifest.
package enum LoadCommand: HarnessCommand {
    package static let name = "load"
    package static let usage = """
        load [--rate N | --max] (--count N | --duration 60s) [--seed N] [--run-id ID] [--catalogue FILE]
             [--duplicates 0.01] [--malformed 0.005] [--burst-every 400] [--http-share 0.2 --http URL --api-key KEY]
             [--bootstrap HOST:PORT | --bootstrap-file FILE] [--manifest FILE]
        """

    package static func run(_ options: CommandOptions, logger: Logger) async throws -> Int32 {
        try options.requireOnly([
            "rate", "max", "count", "duration", "seed", "run-id", "catalogue", "duplicates", "malformed", "burst-every", "http-share",
            "http", "api-key", "bootstrap", "bootstrap-file", "manifest",
        ])
        guard options.flag("rate") != options.flag("max") else { throw UsageError("give exactly one of --rate N and --max") }
        let pace: LoadConfiguration.Pace = try options.double("rate").map { .rate($0) } ?? .asFastAsPossible
        let count = try options.int("count")
        let duration = try options.duration("duration")
        guard count != nil || duration != nil else { throw UsageError("give --count or --duration") }
        var generator = GeneratorConfiguration(
            runID: options.string("run-id") ?? "load-\(UUID().uuidString.prefix(8).lowercased())", seed: UInt64(try options.int("seed") ?? 7))
        generator.duplicateShare = try options.share("duplicates") ?? generator.duplicateShare
        generator.malformedShare = try options.share("malformed") ?? generator.malformedShare
        generator.burstEvery = try options.int("burst-every") ?? generator.burstEvery
        generator.httpShare = try options.share("http-share") ?? 0
        let apiKey = options.string("api-key")
        if generator.httpShare > 0, apiKey == nil { throw UsageError("--http-share needs --api-key (careloop-intake keys create …)") }
        let manifestURL = options.string("manifest").map { URL(fileURLWithPath: $0) }
            ?? SharedOptions.reportsFolder(options, kind: "load").appendingPathComponent("manifest.jsonl")

        var client = KafkaClientConfiguration(bootstrapServers: try SharedOptions.bootstrapServers(options), clientID: "careloop-harness-load")
        client.statisticsInterval = nil
        let producer = try KafkaProducer(client: client, logger: logger)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let manifest = try ManifestWriter(url: manifestURL)
        let load = LoadConfiguration(pace: pace, count: count, duration: duration)
        let topic = TopicSender(producer: producer, manifest: manifest, retryFor: load.retryFor)
        let http = apiKey.map {
            HTTPSender(
                client: httpClient, baseURL: options.string("http") ?? "http://127.0.0.1:8081", apiKey: $0, manifest: manifest,
                retryFor: load.retryFor, concurrency: load.httpConcurrency)
        }
        let runner = LoadRunner(configuration: load, topic: topic, http: http, progress: LoadProgress(), logger: logger)
        let outcome: Result<LoadSummary, any Error>
        do {
            let catalogue = try SharedOptions.catalogue(options)
            outcome = .success(try await withRunning([producer]) { try await runner.run(generator: SubmissionGenerator(configuration: generator, catalogue: catalogue)) })
        } catch {
            outcome = .failure(error)
        }
        try? await httpClient.shutdown()
        try await manifest.close()
        let summary = try outcome.get()
        print(String(format: "sent %d submissions in %.1f s (%.0f/s), %d accepted; manifest %@", summary.generated, summary.seconds, summary.offeredRate, summary.accepted, manifestURL.path))
        return summary.accepted == summary.generated ? 0 : 1
    }
}
