/// What a harness stack runs: where PostgreSQL comes from, which services (routing possibly twice), how the dev
/// broker is shaped, and the settings every service gets.
package struct StackConfiguration: Sendable {
    /// Where the services' database lives.
    package enum DatabaseMode: Sendable, Hashable {
        /// A throw-away PostgreSQL cluster in the stack's temporary folder (`scripts/postgres.sh`), with database
        /// `careloop` and a login role per service, as `make up` provisions it. Can be restarted (fault scenario).
        case ownCluster
        /// An existing server (the test suite's), superuser `postgres`, a fresh schema per service.
        case existing(host: String, port: Int, database: String)
    }

    package var database: DatabaseMode = .ownCluster
    /// Load `pg_stat_statements` into the own cluster (the benchmark's statement profile).
    package var statementStatistics = false
    /// The services started, in start order.
    package var services: [ServiceName] = ServiceName.allCases
    /// Routing processes sharing one consumer group.
    package var routingReplicas = 1
    /// Mock brokers of the dev broker.
    package var brokers = 3
    /// Partitions of every topic.
    package var partitions = 6
    /// `CARELOOP_*` settings of every service (see ``defaultTuning``).
    package var tuning: [String: String] = StackConfiguration.defaultTuning
    /// Extra settings per service.
    package var serviceEnvironment: [ServiceName: [String: String]] = [:]

    /// The settings the harness gives every service, documented in BENCHMARKS.md: consumers wait at most 10 ms on
    /// an empty fetch (the dev broker holds empty fetches for the full wait), and a member that stops heartbeating
    /// leaves its group after 6 s (librdkafka's default is 45 s, Kafka's smallest allowed by default 6 s; the
    /// recovery target is 15 s).
    package static let defaultTuning = [
        "CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS": "10",
        "CARELOOP_KAFKA_CONSUMER_SESSION_TIMEOUT_MS": "6000",
        "CARELOOP_LOG_LEVEL": "info",
    ]

    package init() {}
}
