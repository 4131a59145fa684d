import CareLoopDevBroker
import CareLoopKafka
import Foundation
import Logging
import Synchronization

/// A mock Kafka cluster shared by the tests of one process, with a fresh topic per test.
package enum KafkaTestCluster {
    private static let shared = Mutex<MockCluster?>(nil)

    /// The process-wide cluster (3 brokers), started on first use.
    package static func cluster() throws -> MockCluster {
        try shared.withLock { cluster in
            if let cluster { return cluster }
            let created = try MockCluster(brokers: 3)
            cluster = created
            return created
        }
    }

    /// Creates a uniquely named topic with `partitions` partitions (and its `.dlt`); returns its name.
    package static func makeTopic(_ prefix: String = "test", partitions: Int = 3) throws -> String {
        let topic = "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
        let cluster = try cluster()
        try cluster.createTopic(topic, partitions: partitions)
        try cluster.createTopic(topic + ".dlt", partitions: partitions)
        return topic
    }

    /// Client settings pointing at the shared cluster, with short waits suited to tests.
    package static func clientConfiguration(clientID: String = "careloop-test") throws -> KafkaClientConfiguration {
        var configuration = KafkaClientConfiguration(bootstrapServers: try cluster().bootstrapServers, clientID: clientID)
        configuration.statisticsInterval = nil
        return configuration
    }

    /// A consumer configuration for a fresh group on `topics`, tuned for quick tests.
    package static func consumerConfiguration(topics: [String], group: String = "test-\(UUID().uuidString.prefix(8))") -> ConsumerConfiguration {
        var configuration = ConsumerConfiguration(groupID: group, topics: topics)
        configuration.fetchWaitMax = .milliseconds(5)
        configuration.pollTimeout = .milliseconds(20)
        configuration.retryBackoff = .milliseconds(50)
        configuration.maxRetryBackoff = .milliseconds(200)
        return configuration
    }

    /// A logger for tests: warnings and above unless `CARELOOP_TEST_LOG_LEVEL` says otherwise.
    package static var logger: Logger {
        var logger = Logger(label: "careloop.test")
        logger.logLevel = ProcessInfo.processInfo.environment["CARELOOP_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }
}
