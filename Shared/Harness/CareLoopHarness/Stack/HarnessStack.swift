import CareLoopTestSupport
import Foundation
import Logging
import Synchronization

/// A whole CareLoop stack run by the harness as separate processes on loopback: PostgreSQL (own cluster or an
/// existing server), `careloop-devbroker`, and the services (routing possibly twice), configured only through
/// `CARELOOP_*` environment variables, from the binaries in `CARELOOP_TEST_BIN_DIR` (else `.build/debug`).
///
/// Use ``with(_:label:logger:_:)``: it starts everything, runs the body and then stops every process and removes
/// the temporary folder, also when the body fails (logs are copied to `keepLogsIn` first, when given).
package final class HarnessStack: Sendable {
    /// One process of a service.
    package struct Instance: Sendable {
        package let process: ServiceProcess
        package let adminPort: Int
        package let httpPort: Int
        package let environment: [String: String]
    }

    /// A service process slot: the service and its replica number.
    package struct Slot: Sendable, Hashable, CustomStringConvertible {
        package var service: ServiceName
        package var replica: Int
        package init(_ service: ServiceName, replica: Int = 0) {
            self.service = service
            self.replica = replica
        }
        package var description: String { replica == 0 ? service.rawValue : "\(service.rawValue)#\(replica + 1)" }
    }

    package let configuration: StackConfiguration
    /// Logs, bootstrap file, the own PostgreSQL cluster.
    package let directory: URL
    package let postgres: PostgresServer
    package let broker: DevBrokerProcess
    /// Consumer groups are `<prefix>-<service>`.
    package let groupPrefix: String
    let logger: Logger
    private let instances = Mutex<[Slot: Instance]>([:])
    /// Every process started, killed ones included (their logs matter).
    private let started = Mutex<[ServiceProcess]>([])
    /// Slots whose process the harness killed and has not started again: the supervisor leaves them alone.
    private let downOnPurpose = Mutex<Set<Slot>>([])
    /// What the supervisor did, a line per restart.
    private let supervisorLog = Mutex<[String]>([])

    private init(configuration: StackConfiguration, label: String, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        let suffix = UUID().uuidString.prefix(8).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-harness-\(label)-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        groupPrefix = "harness-\(label)-\(suffix)"
        do {
            switch configuration.database {
            case .ownCluster:
                postgres = try await PostgresServer.startOwn(in: directory, statementStatistics: configuration.statementStatistics, logger: logger)
            case .existing(let host, let port, let database):
                postgres = PostgresServer.existing(host: host, port: port, database: database, suffix: String(suffix))
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        do {
            broker = try await DevBrokerProcess(directory: directory, brokers: configuration.brokers, partitions: configuration.partitions)
        } catch {
            if postgres.clusterDirectory != nil { try? await postgres.stop() }
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Starts the stack, waits until every service is ready, runs `body`, then stops everything and cleans up.
    /// - Parameter keepLogsIn: a folder the process logs are copied to when `body` fails.
    package static func with<T: Sendable>(
        _ configuration: StackConfiguration, label: String, logger: Logger, keepLogsIn: URL? = nil,
        _ body: (HarnessStack) async throws -> T
    ) async throws -> T {
        let stack = try await HarnessStack(configuration: configuration, label: label, logger: logger)
        let outcome: Result<T, any Error>
        do {
            for service in configuration.services {
                let replicas = service == .routing ? configuration.routingReplicas : 1
                for replica in 0..<replicas { try stack.start(Slot(service, replica: replica)) }
            }
            try await stack.waitUntilReady()
            let supervisor = Task { await stack.supervise() }
            do {
                outcome = .success(try await body(stack))
            } catch {
                outcome = .failure(error)
            }
            supervisor.cancel()
            await supervisor.value
        } catch {
            outcome = .failure(error)
        }
        if case .failure = outcome, let keepLogsIn { stack.copyLogs(to: keepLogsIn) }
        await stack.stopEverything()
        return try outcome.get()
    }

    // MARK: Processes

    /// Starts a (new) process in `slot`; it replaces the slot's previous process and keeps its ports (clients keep
    /// their address across a restart), or gets fresh ones the first time.
    @discardableResult
    package func start(_ slot: Slot) throws -> Instance {
        let previous = instance(slot)
        let adminPort = try previous?.adminPort ?? freeLoopbackPort()
        let httpPort = try previous?.httpPort ?? freeLoopbackPort()
        let environment = serviceEnvironment(slot.service, adminPort: adminPort, httpPort: httpPort)
        let process = try ServiceProcess(slot.service.executable, environment: environment, logDirectory: directory.appendingPathComponent("logs"))
        let instance = Instance(process: process, adminPort: adminPort, httpPort: httpPort, environment: environment)
        started.withLock { $0.append(process) }
        instances.withLock { $0[slot] = instance }
        downOnPurpose.withLock { _ = $0.remove(slot) }
        return instance
    }

    /// Plays the supervisor every deployment has (Kubernetes, compose's `restart: unless-stopped`): a service
    /// process that exits by itself (a crash, or a service giving up on a stuck database lease) is started again
    /// `delay` later. Processes the harness killed are left to the scenario. Runs until cancelled.
    func supervise(every interval: Duration = .milliseconds(250), delay: Duration = .seconds(1)) async {
        while (try? await Task.sleep(for: interval)) != nil {
            for slot in slots where !downOnPurpose.withLock({ $0.contains(slot) }) {
                guard let instance = instance(slot), let status = instance.process.exitStatus else { continue }
                logger.warning("Service exited by itself; restarting it", metadata: ["slot": "\(slot)", "status": "\(status)"])
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                do {
                    try start(slot)
                    let line = "\(slot) exited by itself (status \(status)) at \(Date().formatted(.iso8601)); restarted"
                    supervisorLog.withLock { $0.append(line) }
                } catch {
                    logger.error("Could not restart a service", metadata: ["slot": "\(slot)", "error": "\(error)"])
                }
            }
        }
    }

    /// The supervisor's restarts so far, a line each.
    package var supervisorRestarts: [String] { supervisorLog.withLock { $0 } }

    /// The settings of `service` (without the ports' defaults).
    private func serviceEnvironment(_ service: ServiceName, adminPort: Int, httpPort: Int) -> [String: String] {
        var environment = configuration.tuning
        environment.merge([
            "CARELOOP_KAFKA_BOOTSTRAP_FILE": broker.bootstrapFile,
            "CARELOOP_DATABASE_HOST": postgres.host,
            "CARELOOP_DATABASE_PORT": String(postgres.port),
            "CARELOOP_DATABASE_NAME": postgres.database,
            "CARELOOP_DATABASE_USER": postgres.user(for: service),
            "CARELOOP_DATABASE_SCHEMA": postgres.schemas[service]!,
            "CARELOOP_ADMIN_PORT": String(adminPort),
            "CARELOOP_HTTP_PORT": String(httpPort),
            "CARELOOP_KAFKA_CONSUMER_GROUP_PREFIX": groupPrefix,
        ]) { _, fixed in fixed }
        if service == .repairDispatch { environment.merge(Self.repairDispatchSeeds) { _, seed in seed } }
        environment.merge(configuration.serviceEnvironment[service] ?? [:]) { _, extra in extra }
        return environment
    }

    /// Repair dispatch gets the roster and delivery dates it ships with (`Services/RepairDispatch/seed/`, as `make
    /// up` and the container image use them): without technicians every order would wait for someone suitable and
    /// retry, which no deployment does.
    static var repairDispatchSeeds: [String: String] {
        let seed = ServiceProcess.repositoryRoot.appendingPathComponent("Services/RepairDispatch/seed")
        return [
            "CARELOOP_REPAIR_DISPATCH_TECHNICIANS_FILE": seed.appendingPathComponent("technicians.json").path,
            "CARELOOP_REPAIR_DISPATCH_PROJECTS_FILE": seed.appendingPathComponent("projects.json").path,
        ]
    }

    /// The current process of `slot`.
    package func instance(_ slot: Slot) -> Instance? {
        instances.withLock { $0[slot] }
    }

    /// Every current slot.
    package var slots: [Slot] {
        instances.withLock { Array($0.keys) }.sorted { ($0.service.rawValue, $0.replica) < ($1.service.rawValue, $1.replica) }
    }

    /// Waits until `/health/ready` answers 200 for every slot (or `only` those); throws with the logs when a process
    /// exits or stays unready past `timeout`.
    package func waitUntilReady(_ only: [Slot]? = nil, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        for slot in only ?? slots {
            guard let instance = instance(slot) else { continue }
            while true {
                try HarnessInterrupt.check()
                guard instance.process.isRunning else {
                    throw HarnessError("\(slot) exited before it was ready:\n\(instance.process.logTail())")
                }
                if await httpStatus("http://127.0.0.1:\(instance.adminPort)/health/ready") == 200 { break }
                guard ContinuousClock.now < deadline else {
                    throw HarnessError("\(slot) was not ready within \(timeout):\n\(instance.process.logTail())")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Kills the process of `slot` with SIGKILL (a crash).
    package func kill9(_ slot: Slot) {
        downOnPurpose.withLock { _ = $0.insert(slot) }
        instance(slot)?.process.kill9()
    }

    /// Starts `slot` again and waits until it is ready.
    package func restart(_ slot: Slot, timeout: Duration = .seconds(60)) async throws {
        try start(slot)
        try await waitUntilReady([slot], timeout: timeout)
    }

    /// Creates an API key in intake's schema with `careloop-intake keys create` and returns it.
    package func createAPIKey(scopes: String = "read,write") async throws -> String {
        guard let intake = instance(Slot(.intake)) else { throw HarnessError("intake is not part of this stack") }
        var environment = intake.environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let executable = ServiceProcess.binDirectory.appendingPathComponent(ServiceName.intake.executable).path
        let outcome = try await ChildCommand.run(
            executable, ["keys", "create", "--name", "careloop-harness", "--scopes", scopes, "--rate", "100000"], environment: environment)
        guard outcome.status == 0,
            let line = outcome.output.split(separator: "\n").first(where: { $0.hasPrefix("key:") })
        else {
            throw HarnessError("careloop-intake keys create failed (status \(outcome.status)): \(outcome.output)")
        }
        return line.dropFirst("key:".count).trimmingCharacters(in: .whitespaces)
    }

    /// The base URL of intake's API (current process).
    package var intakeURL: String? {
        instance(Slot(.intake)).map { "http://127.0.0.1:\($0.httpPort)" }
    }

    /// The last lines of every process's log, for failure messages.
    package func logs(lines: Int = 40) -> String {
        let processes = started.withLock { $0 }
        var parts = processes.map { "----- \($0.name) (pid \($0.pid)) \($0.logFile.path) -----\n\($0.logTail(lines: lines))" }
        parts.append("----- careloop-devbroker -----\n\(broker.process.logTail(lines: 10))")
        return parts.joined(separator: "\n")
    }

    /// Copies every log file (services, dev broker, PostgreSQL) into `destination`.
    package func copyLogs(to destination: URL) {
        try? FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        var files = started.withLock { $0 }.map(\.logFile) + [broker.process.logFile]
        if let cluster = postgres.clusterDirectory { files.append(cluster.appendingPathComponent("postgres.log")) }
        for file in files {
            let target = destination.appendingPathComponent(file.lastPathComponent)
            try? FileManager.default.removeItem(at: target)
            try? FileManager.default.copyItem(at: file, to: target)
        }
    }

    /// Stops every process (SIGTERM, then SIGKILL after 15 s), PostgreSQL, and removes the folder.
    private func stopEverything() async {
        for process in started.withLock({ $0 }) where process.isRunning {
            await process.terminate(timeout: .seconds(15))
        }
        await broker.process.terminate(timeout: .seconds(10))
        if postgres.clusterDirectory != nil {
            try? await postgres.stop()
        } else {
            await postgres.dropSchemas(logger: logger)
        }
        if ProcessInfo.processInfo.environment["CARELOOP_HARNESS_KEEP_DIR"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
