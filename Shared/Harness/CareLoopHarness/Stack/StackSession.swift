import AsyncHTTPClient
import CareLoopContracts
import CareLoopKafka
import CareLoopTestSupport
import Foundation
import Logging
import NIOCore

/// A running stack with the harness's own clients on it (a producer, and an HTTP client with an API key when
/// intake serves its API): runs load phases into manifests, waits for the pipeline to drain and verifies.
package struct StackSession: Sendable {
    package let stack: HarnessStack
    package let producer: KafkaProducer
    /// HTTP client and API key, when intake serves `POST /v1/cases`.
    package let http: (client: HTTPClient, apiKey: String, baseURL: String)?
    package let logger: Logger

    /// Opens the clients on `stack` (HTTP only when `useHTTP` and intake's API answers), runs `body`, closes them.
    package static func with<T: Sendable>(
        _ stack: HarnessStack, useHTTP: Bool, logger: Logger, _ body: (StackSession) async throws -> T
    ) async throws -> T {
        var client = KafkaClientConfiguration(bootstrapServers: stack.broker.bootstrapServers, clientID: "careloop-harness-load")
        client.statisticsInterval = nil
        let producer = try KafkaProducer(client: client, logger: logger)
        var http: (HTTPClient, String, String)?
        if useHTTP, let url = stack.intakeURL, await httpStatus(url + "/v1/cases") != nil {
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
            let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                http = (httpClient, try await stack.createAPIKey(), url)
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        } else if useHTTP {
            logger.notice("Intake serves no HTTP API; sending on the topic only")
        }
        let session = StackSession(stack: stack, producer: producer, http: http, logger: logger)
        let result: Result<T, any Error>
        do {
            result = .success(try await withRunning([producer]) { try await body(session) })
        } catch {
            result = .failure(error)
        }
        try? await http?.0.shutdown()
        return try result.get()
    }

    /// Whether HTTP load can be sent.
    package var hasHTTP: Bool { http != nil }

    /// Runs one load phase into the manifest at `manifestURL`; `during` runs alongside (fault injection) and may stop
    /// the load early with ``LoadProgress/requestStop()``. Returns the summary and the manifest's entries.
    package func runLoad(
        _ load: LoadConfiguration, generator: SubmissionGenerator, manifestURL: URL,
        during: (@Sendable (LoadProgress, ManifestWriter) async throws -> Void)? = nil
    ) async throws -> (summary: LoadSummary, manifest: [ManifestEntry]) {
        let manifest = try ManifestWriter(url: manifestURL)
        let progress = LoadProgress()
        let topic = TopicSender(producer: producer, manifest: manifest, retryFor: load.retryFor)
        let httpSender = http.map {
            HTTPSender(client: $0.client, baseURL: $0.baseURL, apiKey: $0.apiKey, manifest: manifest, retryFor: load.retryFor, concurrency: load.httpConcurrency)
        }
        let runner = LoadRunner(configuration: load, topic: topic, http: httpSender, progress: progress, logger: logger)
        let summary = try await withThrowingTaskGroup(of: LoadSummary?.self) { group in
            group.addTask { try await runner.run(generator: generator) }
            if let during {
                group.addTask {
                    do {
                        try await during(progress, manifest)
                    } catch {
                        progress.requestStop()
                        throw error
                    }
                    return nil
                }
            }
            var summary: LoadSummary?
            for try await result in group { if let result { summary = result } }
            guard let summary else { throw HarnessError("the load runner returned no summary") }
            return summary
        }
        try await manifest.close()
        return (summary, try ManifestReader.read(from: manifestURL))
    }

    /// Sends poison records to `careloop.intake.v1` until every partition got at least one (keys are tried in turn;
    /// the delivery report says where each landed); returns their manifest entries.
    package func sendPoison(generator: inout SubmissionGenerator, manifest: ManifestWriter) async throws -> [ManifestEntry] {
        let partitions = try await TopicWatermarks.partitionCount(bootstrapServers: stack.broker.bootstrapServers, topic: Topic.intake.rawValue)
        let sender = TopicSender(producer: producer, manifest: manifest, retryFor: .seconds(30))
        var covered: Set<Int32> = []
        var entries: [ManifestEntry] = []
        var attempt = 0
        while covered.count < partitions, attempt < partitions * 20 {
            let reason = MalformedReason.poison[attempt % MalformedReason.poison.count]
            let planned = generator.poison(reason, key: "poison/P-\(attempt)", now: Date())
            let sent = try await sender.send([planned], sentAt: Date())
            entries += sent
            if let partition = sent.first?.partition { covered.insert(partition) }
            attempt += 1
        }
        guard covered.count == partitions else {
            throw HarnessError("poison reached \(covered.count) of \(partitions) partitions after \(attempt) records")
        }
        return entries
    }

    /// Waits for the pipeline to drain: `expected` more cases than `baseline` registered and all routed, outboxes empty.
    package func drain(expected: Int, baseline: Int = 0, timeout: Duration) async -> DrainOutcome {
        await verifier.waitForDrain(registered: baseline + expected, timeout: timeout)
    }

    /// Cases registered so far (for the baseline of a later phase).
    package func registeredCount() async -> Int {
        await DatabaseSnapshot(target: stack.postgres.target, logger: logger).progress()?.registered ?? 0
    }

    /// A verifier on this stack (topics and databases).
    package var verifier: Verifier {
        Verifier(
            bootstrapServers: stack.broker.bootstrapServers, database: stack.postgres.target,
            groups: ConsumerGroup.standard(prefix: stack.groupPrefix, services: stack.configuration.services), logger: logger)
    }
}
