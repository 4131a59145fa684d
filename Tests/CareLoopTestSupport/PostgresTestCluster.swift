import CareLoopStorage
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL server of a test process, with a fresh schema per test.
///
/// With `CARELOOP_TEST_PG_HOST` and `CARELOOP_TEST_PG_PORT` set (as `make test` does for the whole run) the tests
/// use that server (`CARELOOP_TEST_PG_DATABASE`, default `postgres`; superuser `postgres`). Otherwise the first test
/// that needs one starts a throw-away cluster with `scripts/postgres.sh` on a free loopback port in a temporary
/// directory; it is stopped and removed when the process exits.
package enum PostgresTestCluster {
    /// Where the server listens.
    package struct Endpoint: Sendable, Hashable {
        /// Host name or address.
        package var host: String
        /// TCP port.
        package var port: Int
        /// Database the tests work in.
        package var database: String
    }

    private static let shared = Mutex<Endpoint?>(nil)
    /// The directory of the cluster this process started, for the exit handler.
    private static let ownedDirectory = Mutex<URL?>(nil)

    /// The server, started on first use when the environment names none.
    package static func endpoint() throws -> Endpoint {
        try shared.withLock { endpoint in
            if let endpoint { return endpoint }
            let environment = ProcessInfo.processInfo.environment
            let found: Endpoint
            if let host = environment["CARELOOP_TEST_PG_HOST"],
                let port = environment["CARELOOP_TEST_PG_PORT"].flatMap(Int.init)
            {
                let database = environment["CARELOOP_TEST_PG_DATABASE"] ?? "postgres"
                found = Endpoint(host: host, port: port, database: database)
            } else {
                found = try startOwnedCluster()
            }
            endpoint = found
            return found
        }
    }

    /// Creates a uniquely named, empty schema (`<prefix>_<random>`) and returns a configuration that works in it
    /// as superuser `postgres`.
    package static func makeSchema(prefix: String = "test") async throws -> DatabaseConfiguration {
        let endpoint = try endpoint()
        let allowed = prefix.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        let cleaned = String(allowed.prefix(24))
        let schema = "\(cleaned.isEmpty ? "test" : cleaned)_\(UUID().uuidString.prefix(8).lowercased())"
        var configuration = DatabaseConfiguration(
            host: endpoint.host, port: endpoint.port, user: "postgres", password: nil, database: endpoint.database,
            schema: schema)
        configuration.poolSize = 4
        configuration.applicationName = "careloop-test"
        try await withAdminConnection(to: configuration) { connection in
            _ = try await connection.query("CREATE SCHEMA \(unescaped: schema)", logger: logger)
        }
        return configuration
    }

    /// Drops `configuration`'s schema with everything in it.
    package static func dropSchema(_ configuration: DatabaseConfiguration) async throws {
        try await withAdminConnection(to: configuration) { connection in
            _ = try await connection.query(
                "DROP SCHEMA IF EXISTS \(unescaped: configuration.schema) CASCADE", logger: logger)
        }
    }

    /// Runs `body` on a fresh connection (outside any pool) to `configuration`'s database, then closes it.
    package static func withAdminConnection<T: Sendable>(
        to configuration: DatabaseConfiguration, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: try configuration.connectionConfiguration(), id: 0, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A logger for tests: warnings and above unless `CARELOOP_TEST_LOG_LEVEL` says otherwise.
    package static var logger: Logger {
        var logger = Logger(label: "careloop.test.postgres")
        let level = ProcessInfo.processInfo.environment["CARELOOP_TEST_LOG_LEVEL"]
        logger.logLevel = level.flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }

    /// `scripts/postgres.sh` of the checkout this file belongs to.
    package static var script: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // CareLoopTestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
            .appendingPathComponent("scripts/postgres.sh")
    }

    private static func startOwnedCluster() throws -> Endpoint {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent(
                "careloop-pg-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        var lastError: (any Error)?
        // A free port can be taken between probing and binding; try a few.
        for _ in 0..<3 {
            do {
                let port = try freeLoopbackPort()
                try runScript(["start", directory.path, "\(port)"])
                ownedDirectory.withLock { $0 = directory }
                atexit { PostgresTestCluster.stopOwnedCluster() }
                return Endpoint(host: "127.0.0.1", port: port, database: "postgres")
            } catch {
                lastError = error
            }
        }
        throw lastError ?? PostgresTestClusterError(message: "could not start a test cluster")
    }

    /// Stops and removes the cluster this process started (run at exit).
    private static func stopOwnedCluster() {
        guard let directory = ownedDirectory.withLock({ $0 }) else { return }
        try? runScript(["stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The test cluster could not be started or reached.
package struct PostgresTestClusterError: Error, CustomStringConvertible {
    /// What went wrong.
    package var message: String
    /// The message.
    package var description: String { message }
}
