import CareLoopHTTP
import CareLoopKafka
import CareLoopStorage
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle
import UnixSignals

/// Starts a CareLoop service: settings, logging, metrics, database and migrations, Kafka producer,
/// outbox relay, consumers, HTTP API and admin port, all in one `ServiceGroup` with graceful shutdown
/// on SIGTERM and SIGINT.
package enum ServiceRunner {
    /// The `main` of every service executable; returns the process exit code.
    package static func main(_ definition: some ServiceDefinition) async -> Int32 {
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings(identity: definition.identity, settings: try await SettingsLoader.load())
        } catch {
            FileHandle.standardError.write(Data("careloop-\(definition.identity.name): \(error)\n".utf8))
            return 78  // EX_CONFIG
        }
        if CommandLine.arguments.dropFirst().first == "keys" {
            return await runKeysCommand(definition, settings: settings)
        }
        let mallocTuned = settings.malloc.apply(environment: ProcessInfo.processInfo.environment)
        LoggingSetup.bootstrap(service: definition.identity.name, format: settings.logging.format, level: settings.logging.level)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "careloop.\(definition.identity.name)")
        if !mallocTuned.isEmpty { logger.debug("malloc tuned", metadata: ["malloc": "\(mallocTuned.joined(separator: ","))"]) }
        do {
            var onStuckLease: (@Sendable () -> Void)?
            if settings.exitOnStuckLease {
                onStuckLease = { @Sendable in
                    // Nothing can resume the stuck part; a restart is safe (outbox, inbox and offsets resume the work).
                    logger.critical("Exiting so that the supervisor restarts the service (database.stuckLeaseAction=exit)")
                    exit(75)  // EX_TEMPFAIL
                }
            }
            try await run(definition, settings: settings, registry: registry, logger: logger, onStuckLease: onStuckLease)
            return 0
        } catch let error as InvalidSettingError {
            // A service-specific setting found unusable while the service built its parts.
            FileHandle.standardError.write(Data("careloop-\(definition.identity.name): \(error)\n".utf8))
            return 78  // EX_CONFIG
        } catch {
            logger.critical("Service stopped on error", metadata: ["error": "\(String(reflecting: error))"])
            return 1
        }
    }

    /// Runs the service until graceful shutdown (or cancellation, in tests).
    /// - Parameters:
    ///   - onAdminRunning: called with the admin port once it listens (port 0 picks a free one).
    ///   - onStuckLease: run when a database lease is stuck on a closed connection (see `Database.onStuckLease`).
    package static func run(
        _ definition: some ServiceDefinition, settings: RuntimeSettings, registry: PrometheusCollectorRegistry, logger: Logger,
        onAdminRunning: @escaping @Sendable (Int) async -> Void = { _ in }, onStuckLease: (@Sendable () -> Void)? = nil
    ) async throws {
        let database = try Database(configuration: settings.database, logger: logger)
        if let onStuckLease { database.onStuckLease(onStuckLease) }
        let producer = try KafkaProducer(client: settings.kafka, configuration: settings.producer, logger: logger)
        // Parts are built before anything touches the database, so a bad service setting stops start-up at once
        // (exit 78), even while PostgreSQL is still unreachable.
        let context = ServiceContext(
            database: database, producer: producer, settings: settings, logger: logger,
            apiKeys: APIKeyStore(database: database, cacheTTL: settings.api.keyCacheTTL))
        let components = try await definition.components(context: context)
        // The pool runs in a task of its own, outside this task's cancellation: it must outlive every part that
        // queries through it, so it stops only after the service group has returned.
        let pool = Task { try await database.run() }
        do {
            try await migrate(definition, database: database, settings: settings, logger: logger)
            let serviceGroup = try makeServiceGroup(
                components: components, database: database, producer: producer, settings: settings, registry: registry,
                logger: logger, onAdminRunning: onAdminRunning)
            logger.info(
                "Service starting",
                metadata: [
                    "admin_port": "\(settings.adminPort)", "http_port": "\(components.router == nil ? "-" : String(settings.httpPort))",
                    "subscriptions": "\(components.subscriptions.flatMap(\.topics))",
                ])
            try await runUntilShutdown(serviceGroup)
            logger.info("Service stopped")
        } catch {
            pool.cancel()
            _ = await pool.result
            throw error
        }
        pool.cancel()
        _ = await pool.result
    }

    /// Runs `serviceGroup` until it stops. Cancelling the calling task (as tests do) becomes a graceful shutdown,
    /// as SIGTERM is, so the parts stop in order; a shutdown that takes longer than the group's limit escalates to
    /// cancellation.
    private static func runUntilShutdown(_ serviceGroup: ServiceGroup) async throws {
        let running = Task { try await serviceGroup.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await serviceGroup.triggerGracefulShutdown() }
        }
    }

    /// The service's parts in one group: started in this order, and on graceful shutdown stopped in reverse (admin
    /// and API first, then consumers, the service's own parts, the relay, and the producer last: it flushes).
    private static func makeServiceGroup(
        components: ServiceComponents, database: Database, producer: KafkaProducer, settings: RuntimeSettings,
        registry: PrometheusCollectorRegistry, logger: Logger, onAdminRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> ServiceGroup {
        let consumers = try components.subscriptions.map { subscription in
            try KafkaConsumer(
                client: settings.kafka,
                configuration: settings.consumer(topics: subscription.topics, groupSuffix: subscription.groupSuffix),
                handler: CloudEventBatchHandler(
                    database: database, handler: subscription.handler, service: settings.serviceName, logger: logger),
                deadLetters: producer, isTransient: Database.isTransient, logger: logger)
        }
        let relay = OutboxRelay(
            database: database, publisher: KafkaOutboxPublisher(producer: producer), configuration: settings.outbox, logger: logger)
        let checks = standardChecks(database: database, producer: producer, consumers: consumers) + components.readinessChecks
        let janitor = InboxJanitor(database: database, retention: settings.inboxRetention, logger: logger)
        var services: [any Service] = [producer, relay, janitor] + components.services + consumers
        if let router = components.router {
            services.append(
                Application(
                    router: router,
                    configuration: ApplicationConfiguration(
                        address: .hostname(settings.httpHost, port: settings.httpPort),
                        serverName: "careloop-\(settings.serviceName)"),
                    logger: logger))
        }
        services.append(
            AdminServer.make(
                host: settings.adminHost, port: settings.adminPort, serviceName: settings.serviceName, registry: registry,
                checks: checks,
                liveness: [
                    ReadinessCheck("database_leases") {
                        database.stuckLeases == 0 ? nil : "\(database.stuckLeases) lease(s) stuck on closed connections"
                    }
                ],
                logger: logger, onServerRunning: onAdminRunning))
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = settings.shutdownGracePeriod
        return ServiceGroup(configuration: configuration)
    }

    /// Applies the platform's and the service's migrations, waiting for PostgreSQL to come up.
    private static func migrate(
        _ definition: some ServiceDefinition, database: Database, settings: RuntimeSettings, logger: Logger
    ) async throws {
        let deadline = ContinuousClock.now + settings.databaseStartupTimeout
        let migrator = Migrator(configuration: settings.database, logger: logger)
        while true {
            do {
                try await migrator.migrate(migrationSets(definition, settings: settings))
                return
            } catch where Database.isTransient(error) && ContinuousClock.now < deadline {
                logger.warning("Database not reachable yet; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// `careloop-<service> keys …`: migrates the schema if needed, then manages API keys; 64 on a usage error.
    private static func runKeysCommand(_ definition: some ServiceDefinition, settings: RuntimeSettings) async -> Int32 {
        let name = "careloop-\(definition.identity.name)"
        let command: KeysCommand
        do {
            command = try KeysCommand(arguments: Array(CommandLine.arguments.dropFirst(2)))
        } catch {
            FileHandle.standardError.write(Data("\(name) keys: \(error)\n\(KeysCommand.usage)\n".utf8))
            return 64  // EX_USAGE
        }
        var logger = Logger(label: "careloop.\(definition.identity.name).keys")
        logger.logLevel = .warning
        do {
            let database = try Database(configuration: settings.database, logger: logger)
            try await Migrator(configuration: settings.database, logger: logger).migrate(migrationSets(definition, settings: settings))
            let output = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask { await database.client.run(); return nil }
                defer { group.cancelAll() }
                return try await command.run(store: APIKeyStore(database: database))
            }
            print(output)
            return 0
        } catch {
            FileHandle.standardError.write(Data("\(name) keys: failed: \(error)\n".utf8))
            return 1
        }
    }

    /// The platform's tables, the API keys, then the service's own tables.
    static func migrationSets(_ definition: some ServiceDefinition, settings: RuntimeSettings) -> [MigrationSet] {
        [.platform, APIKeyStore.migrations, MigrationSet(component: settings.serviceName, migrations: definition.migrations)]
    }

    private static func standardChecks(database: Database, producer: KafkaProducer, consumers: [KafkaConsumer]) -> [ReadinessCheck] {
        [
            ReadinessCheck("database") {
                do {
                    try await database.withConnection { connection in _ = try await connection.query("SELECT 1", logger: Logger(label: "careloop.health")) }
                    return nil
                } catch {
                    return "unreachable: \(String(describing: error).prefix(200))"
                }
            },
            ReadinessCheck("kafka_producer") { producer.fatalError.map { "fatal: \($0)" } },
            ReadinessCheck("kafka_consumers") {
                let notReady = consumers.filter { !$0.isReady }.count
                return notReady == 0 ? nil : "\(notReady) consumer(s) not subscribed"
            },
        ]
    }
}
