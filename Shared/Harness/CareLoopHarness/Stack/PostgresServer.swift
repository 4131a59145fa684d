import CareLoopTestSupport
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server of a harness stack: its own throw-away cluster (can be restarted) or an existing server.
package struct PostgresServer: Sendable {
    package let host = "127.0.0.1"
    package let port: Int
    package let database: String
    /// Folder of the own cluster (`nil` for an existing server).
    package let clusterDirectory: URL?
    /// Schema of each service.
    package let schemas: [ServiceName: String]

    /// Starts a cluster in `directory/postgres` and provisions database `careloop` with a role per service; with
    /// `statementStatistics`, `pg_stat_statements` is loaded (one restart) and created in `careloop`.
    static func startOwn(in directory: URL, statementStatistics: Bool, logger: Logger) async throws -> PostgresServer {
        let clusterDirectory = directory.appendingPathComponent("postgres")
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            do {
                try await runScript(["start", clusterDirectory.path, String(port)])
                try await runScript(["provision", "127.0.0.1", String(port)])
                let server = PostgresServer(
                    port: port, database: "careloop", clusterDirectory: clusterDirectory,
                    schemas: Dictionary(uniqueKeysWithValues: ServiceName.allCases.map { ($0, $0.schema) }))
                if statementStatistics { try await server.loadStatementStatistics(logger: logger) }
                return server
            } catch {
                lastError = error
                try? await runScript(["stop", clusterDirectory.path])
            }
        }
        throw lastError ?? HarnessError("could not start PostgreSQL")
    }

    /// Uses an existing server with fresh `<schema>_<suffix>` schemas (created by the services' migrations).
    static func existing(host: String, port: Int, database: String, suffix: String) -> PostgresServer {
        PostgresServer(
            port: port, database: database, clusterDirectory: nil,
            schemas: Dictionary(uniqueKeysWithValues: ServiceName.allCases.map { ($0, "\($0.schema)_\(suffix)") }))
    }

    private init(port: Int, database: String, clusterDirectory: URL?, schemas: [ServiceName: String]) {
        self.port = port
        self.database = database
        self.clusterDirectory = clusterDirectory
        self.schemas = schemas
    }

    /// The login role a service uses: its own role on the own cluster, the superuser otherwise.
    func user(for service: ServiceName) -> String {
        clusterDirectory == nil ? "postgres" : "careloop_\(service.schema)"
    }

    /// Where the verifier reads (as superuser).
    package var target: DatabaseTarget {
        DatabaseTarget(
            host: host, port: port, user: "postgres", database: database,
            schemas: Dictionary(uniqueKeysWithValues: schemas.map { ($0.key.rawValue, $0.value) }))
    }

    /// Loads `pg_stat_statements` (a restart of the own cluster) and creates the extension in the database.
    private func loadStatementStatistics(logger: Logger) async throws {
        _ = try await target.withConnection(logger: logger) { connection in
            _ = try await connection.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'", logger: logger)
        }
        try await stop()
        try await start()
        _ = try await target.withConnection(logger: logger) { connection in
            _ = try await connection.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", logger: logger)
        }
    }

    /// Stops the own cluster with a fast shutdown (what the PostgreSQL fault does).
    package func stop() async throws {
        guard let clusterDirectory else { throw HarnessError("an existing PostgreSQL server is not stopped by the harness") }
        try await Self.runScript(["stop", clusterDirectory.path])
    }

    /// Starts the own cluster again on the same port.
    package func start() async throws {
        guard let clusterDirectory else { throw HarnessError("an existing PostgreSQL server is not started by the harness") }
        try await Self.runScript(["start", clusterDirectory.path, String(port)])
    }

    /// The postmaster's process id (own cluster), from `postmaster.pid`.
    package var postmasterPID: Int32? {
        guard let clusterDirectory,
            let text = try? String(contentsOf: clusterDirectory.appendingPathComponent("data/postmaster.pid"), encoding: .utf8)
        else { return nil }
        return text.split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Drops the schemas of an existing server (the own cluster is removed with its folder).
    func dropSchemas(logger: Logger) async {
        guard clusterDirectory == nil else { return }
        _ = try? await target.withConnection(logger: logger) { connection in
            for schema in schemas.values {
                _ = try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: logger)
            }
        }
    }

    private static func runScript(_ arguments: [String]) async throws {
        try await runBlocking { try PostgresTestCluster.runScript(arguments) }
    }
}
