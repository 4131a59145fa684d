import CareLoopContracts
import CareLoopRuntime
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The dev broker process: a mock cluster with every CareLoop topic and its `.dlt`, the bootstrap
/// address in a file, and the fault-injection control API, until SIGTERM or SIGINT.
package enum DevBroker {
    /// Runs the dev broker; returns the process exit code.
    package static func run() async -> Int32 {
        let configuration: DevBrokerConfiguration
        let logging: LoggingSettings
        do {
            let settings = try await SettingsLoader.load()
            configuration = try DevBrokerConfiguration(settings: settings)
            logging = try LoggingSettings(settings: settings)
        } catch {
            FileHandle.standardError.write(Data("careloop-devbroker: \(error)\n".utf8))
            return 78  // EX_CONFIG
        }
        LoggingSetup.bootstrap(service: "devbroker", format: logging.format, level: logging.level)
        let logger = Logger(label: "careloop.devbroker")
        do {
            let cluster = try MockCluster(brokers: configuration.brokers, partitionMaxBytes: configuration.partitionMaxBytes)
            defer { cluster.shutdown() }
            for topic in Topic.allPublic.flatMap({ [$0.rawValue, $0.deadLetter.rawValue] }) {
                try cluster.createTopic(topic, partitions: configuration.partitions[topic] ?? configuration.defaultPartitions)
            }
            for (topic, count) in configuration.partitions where cluster.topics[topic] == nil {
                try cluster.createTopic(topic, partitions: count)
            }
            try writeAtomically(cluster.bootstrapServers, to: configuration.bootstrapFile)
            defer { try? FileManager.default.removeItem(atPath: configuration.bootstrapFile) }
            print("bootstrap.servers=\(cluster.bootstrapServers)")
            let library = MockLibrary.loaded
            logger.info(
                "Mock cluster up",
                metadata: [
                    "bootstrap_servers": "\(cluster.bootstrapServers)", "brokers": "\(configuration.brokers)",
                    "librdkafka": "\(library.path)", "mock_patch": "\(library.patch ?? "none")",
                    "partition_max_bytes": "\(library.patch == nil ? 5 << 20 : configuration.partitionMaxBytes)",
                ])
            let control = ControlAPI.make(cluster: cluster, library: library, configuration: configuration, logger: logger) { port in
                let url = "http://\(configuration.controlHost):\(port)"
                try? writeAtomically(url, to: configuration.controlFile)
                print("control=\(url)")
                fflush(nil)
            }
            defer { try? FileManager.default.removeItem(atPath: configuration.controlFile) }
            let group = ServiceGroup(services: [control], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await group.run()
            logger.info("Dev broker stopped")
            return 0
        } catch {
            logger.critical("Dev broker failed", metadata: ["error": "\(error)"])
            return 1
        }
    }

    private static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((text + "\n").utf8).write(to: url, options: .atomic)
    }
}
