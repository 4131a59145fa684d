import CareLoopDevBroker
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `careloop-devbroker` executable running as its own process, as services see it in production
/// shape: over TCP, with its bootstrap address and control URL in files.
package final class DevBrokerProcess: Sendable {
    package let process: ServiceProcess
    /// File holding the bootstrap servers (give it to services as `CARELOOP_KAFKA_BOOTSTRAP_FILE`).
    package let bootstrapFile: String
    package let bootstrapServers: String
    /// Base URL of the fault-injection control API.
    package let controlURL: String

    /// Starts the dev broker in `directory` (with `settings`, `CARELOOP_DEVBROKER_*` variables, besides these) and
    /// waits until it wrote its files.
    package init(directory: URL, brokers: Int = 3, partitions: Int = 3, settings: [String: String] = [:]) async throws {
        bootstrapFile = directory.appendingPathComponent("devbroker.bootstrap").path
        process = try ServiceProcess(
            "careloop-devbroker",
            environment: [
                "CARELOOP_DEVBROKER_BOOTSTRAP_FILE": bootstrapFile,
                "CARELOOP_DEVBROKER_CONTROL_PORT": "0",
                "CARELOOP_DEVBROKER_BROKERS": String(brokers),
                "CARELOOP_DEVBROKER_DEFAULT_PARTITIONS": String(partitions),
            ].merging(settings) { _, setting in setting },
            logDirectory: directory)
        let deadline = ContinuousClock.now + .seconds(30)
        var servers: String?
        var control: String?
        while ContinuousClock.now < deadline {
            servers = try? String(contentsOfFile: bootstrapFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            control = try? String(contentsOfFile: bootstrapFile + ".control", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            if let servers, !servers.isEmpty, let control, !control.isEmpty { break }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let servers, !servers.isEmpty, let control, !control.isEmpty else {
            process.kill9()
            throw ServiceProcessError("dev broker did not start:\n\(process.logTail())")
        }
        bootstrapServers = servers
        controlURL = control
    }

    /// The librdkafka hosting the mock cluster (`GET /cluster`); `nil` when the control API does not say.
    package func library() async -> MockLibrary? {
        struct Cluster: Decodable { var librdkafka: MockLibrary }
        guard let url = URL(string: controlURL + "/cluster"), let (data, _) = try? await URLSession.shared.data(from: url) else { return nil }
        return try? JSONDecoder().decode(Cluster.self, from: data).librdkafka
    }

    /// Sends a fault-injection request (e.g. `POST /brokers/1/down`); returns the HTTP status.
    @discardableResult
    package func control(_ method: String, _ path: String) async throws -> Int {
        var request = URLRequest(url: URL(string: controlURL + path)!)
        request.httpMethod = method
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
