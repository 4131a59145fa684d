import CareLoopHTTP
import CareLoopKafka
import CareLoopStorage
import Foundation
import Logging

/// Everything the runtime reads from configuration for one service, validated at start-up.
/// `docs/configuration.md` lists every key with its environment variable and default.
package struct RuntimeSettings: Sendable {
    package var serviceName: String
    /// `ce_source` of the events this service emits (`events.source`, default `careloop://<service>`).
    package var eventSource: String
    package var logging: LoggingSettings
    package var adminHost: String
    package var adminPort: Int
    package var httpHost: String
    package var httpPort: Int
    /// Limits of the public API: body size, per-key rate, key cache.
    package var api: APISettings
    package var kafka: KafkaClientConfiguration
    package var producer: ProducerConfiguration
    /// Consumer-group prefix; a service's group is `<prefix>-<service>`.
    package var consumerGroupPrefix: String
    /// Template for every consumer of this service (group and topics are filled per subscription).
    package var consumerTuning: ConsumerConfiguration
    package var database: DatabaseConfiguration
    package var outbox: OutboxRelay.Configuration
    /// glibc `malloc` settings applied at start-up (`memory.*`).
    package var malloc: MallocTuning
    /// How long processed events stay in the inbox (`inbox.retentionHours`, default 168).
    package var inboxRetention: Duration
    /// How long start-up waits for PostgreSQL before giving up.
    package var databaseStartupTimeout: Duration
    /// How long a graceful shutdown may take before the remaining parts are cancelled (`shutdown.gracePeriodMs`).
    package var shutdownGracePeriod: Duration
    /// Whether the executable exits (75, `EX_TEMPFAIL`) when a database lease is stuck on a closed connection, so
    /// its supervisor restarts it (`database.stuckLeaseAction` `exit`); with `report` only `/health/live` fails.
    package var exitOnStuckLease: Bool
    /// The raw settings, for service-specific keys.
    package var settings: SettingsReader

    /// Reads and validates the runtime settings of `identity`.
    package init(identity: ServiceIdentity, settings: SettingsReader) throws(InvalidSettingError) {
        self.settings = settings
        serviceName = identity.name
        eventSource = settings.string("events.source", default: "careloop://\(identity.name)")
        logging = try LoggingSettings(settings: settings)
        adminHost = settings.string("admin.host", default: "127.0.0.1")
        adminPort = try settings.int("admin.port", default: identity.defaultAdminPort, range: 0...65535)
        httpHost = settings.string("http.host", default: "127.0.0.1")
        httpPort = try settings.int("http.port", default: identity.defaultHTTPPort, range: 0...65535)
        var api = APISettings()
        api.maxBodyBytes = try settings.int("http.maxBodyBytes", default: api.maxBodyBytes, range: 1024...64 * 1024 * 1024)
        api.rateLimitPerSecond = Double(
            try settings.int("http.rateLimitPerSecond", default: Int(api.rateLimitPerSecond), range: 1...1_000_000))
        api.rateLimitBurstSeconds = Double(
            try settings.int("http.rateLimitBurstSeconds", default: Int(api.rateLimitBurstSeconds), range: 1...3600))
        api.keyCacheTTL = try settings.milliseconds("http.apiKeyCacheMs", default: api.keyCacheTTL, range: 0...600_000)
        self.api = api

        var kafka = KafkaClientConfiguration(
            bootstrapServers: try Self.bootstrapServers(settings),
            clientID: settings.string("kafka.clientId", default: "careloop-\(identity.name)"),
            properties: try settings.properties("kafka.properties"))
        let statistics = try settings.int("kafka.statisticsIntervalMs", default: 15_000, range: 0...3_600_000)
        kafka.statisticsInterval = statistics == 0 ? nil : .milliseconds(statistics)
        self.kafka = kafka

        producer = ProducerConfiguration()
        producer.linger = try settings.milliseconds("kafka.producer.lingerMs", default: producer.linger, range: 0...10_000)
        producer.messageTimeout = try settings.milliseconds(
            "kafka.producer.messageTimeoutMs", default: producer.messageTimeout, range: 1_000...3_600_000)
        producer.compression = try settings.choice(
            "kafka.producer.compression", default: producer.compression, choices: ["none", "gzip", "snappy", "lz4", "zstd"])

        consumerGroupPrefix = settings.string("kafka.consumer.groupPrefix", default: "careloop")
        var tuning = ConsumerConfiguration(groupID: consumerGroupPrefix + "-" + identity.name, topics: [])
        tuning.maxBatch = try settings.int("kafka.consumer.maxBatch", default: tuning.maxBatch, range: 1...10_000)
        tuning.pollTimeout = try settings.milliseconds("kafka.consumer.pollTimeoutMs", default: tuning.pollTimeout, range: 1...10_000)
        tuning.fetchWaitMax = try settings.milliseconds("kafka.consumer.fetchWaitMaxMs", default: tuning.fetchWaitMax, range: 1...10_000)
        tuning.sessionTimeout = try settings.milliseconds(
            "kafka.consumer.sessionTimeoutMs", default: tuning.sessionTimeout, range: 1_000...300_000)
        tuning.autoOffsetReset = try settings.choice(
            "kafka.consumer.autoOffsetReset", default: tuning.autoOffsetReset, choices: ["earliest", "latest"])
        consumerTuning = tuning

        database = DatabaseConfiguration(
            host: settings.string("database.host", default: "127.0.0.1"),
            port: try settings.int("database.port", default: 5432, range: 1...65535),
            user: settings.string("database.user", default: "careloop_\(identity.schema)"),
            password: settings.optionalString("database.password", secret: true),
            database: settings.string("database.name", default: "careloop"),
            schema: settings.string("database.schema", default: identity.schema))
        database.poolSize = try settings.int("database.poolSize", default: database.poolSize, range: 1...200)
        database.operationTimeout = try settings.milliseconds(
            "database.operationTimeoutMs", default: database.operationTimeout, range: 1_000...3_600_000)
        database.stuckLeaseGrace = try settings.milliseconds(
            "database.stuckLeaseGraceMs", default: database.stuckLeaseGrace, range: 500...600_000)
        let lifetime = try settings.milliseconds(
            "database.connectionMaxLifetimeMs", default: database.connectionMaxLifetime ?? .zero, range: 0...86_400_000)
        database.connectionMaxLifetime = lifetime == .zero ? nil : lifetime
        exitOnStuckLease = try settings.choice("database.stuckLeaseAction", default: "exit", choices: ["exit", "report"]) == "exit"
        databaseStartupTimeout = try settings.milliseconds("database.startupTimeoutMs", default: .seconds(60), range: 0...600_000)
        shutdownGracePeriod = try settings.milliseconds("shutdown.gracePeriodMs", default: .seconds(25), range: 100...600_000)

        malloc = MallocTuning()
        let arenaMax = try settings.int("memory.mallocArenaMax", default: malloc.arenaMax ?? 0, range: 0...1_024)
        malloc.arenaMax = arenaMax == 0 ? nil : arenaMax
        let threshold = try settings.int(
            "memory.mallocMmapThresholdBytes", default: malloc.mmapThreshold ?? 0, range: 0...33_554_432)
        malloc.mmapThreshold = threshold == 0 ? nil : threshold

        inboxRetention = .seconds(try settings.int("inbox.retentionHours", default: 168, range: 1...24 * 365) * 3600)
        outbox = OutboxRelay.Configuration()
        outbox.batchSize = try settings.int("outbox.batchSize", default: outbox.batchSize, range: 1...10_000)
        outbox.pollInterval = try settings.milliseconds("outbox.pollIntervalMs", default: outbox.pollInterval, range: 10...600_000)
        outbox.retention = .seconds(try settings.int("outbox.retentionHours", default: 24, range: 1...24 * 365) * 3600)
    }

    /// `kafka.bootstrapServers`, or the contents of `kafka.bootstrapFile` (as the dev broker writes it).
    private static func bootstrapServers(_ settings: SettingsReader) throws(InvalidSettingError) -> String {
        if let servers = settings.optionalString("kafka.bootstrapServers") { return servers }
        guard let path = settings.optionalString("kafka.bootstrapFile") else {
            throw InvalidSettingError(key: "kafka.bootstrapServers", problem: "required (or set kafka.bootstrapFile)")
        }
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8),
            !contents.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw InvalidSettingError(key: "kafka.bootstrapFile", problem: "cannot read bootstrap servers from '\(path)'")
        }
        return contents.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The consumer configuration for `topics` under this service's group.
    package func consumer(topics: [String], groupSuffix: String? = nil) -> ConsumerConfiguration {
        var configuration = consumerTuning
        configuration.topics = topics
        if let groupSuffix { configuration.groupID += "-" + groupSuffix }
        return configuration
    }
}

/// A service's fixed identity: name, database schema and default ports.
package struct ServiceIdentity: Sendable, Hashable {
    /// Short name, as in `careloop-<name>`.
    package var name: String
    /// The PostgreSQL schema owned by this service.
    package var schema: String
    package var defaultHTTPPort: Int
    package var defaultAdminPort: Int

    package init(name: String, schema: String, defaultHTTPPort: Int, defaultAdminPort: Int) {
        self.name = name
        self.schema = schema
        self.defaultHTTPPort = defaultHTTPPort
        self.defaultAdminPort = defaultAdminPort
    }

    package static let intake = ServiceIdentity(name: "intake", schema: "intake", defaultHTTPPort: 8081, defaultAdminPort: 9101)
    package static let routing = ServiceIdentity(name: "routing", schema: "routing", defaultHTTPPort: 8082, defaultAdminPort: 9102)
    package static let repairDispatch = ServiceIdentity(
        name: "repair-dispatch", schema: "repair_dispatch", defaultHTTPPort: 8083, defaultAdminPort: 9103)
    package static let survey = ServiceIdentity(name: "survey", schema: "survey", defaultHTTPPort: 8084, defaultAdminPort: 9104)
    package static let notification = ServiceIdentity(
        name: "notification", schema: "notification", defaultHTTPPort: 8085, defaultAdminPort: 9105)
}
