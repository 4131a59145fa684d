import Foundation
import Logging
import PostgresNIO

/// Where the services' tables are: one PostgreSQL database, a schema per service. The verifier reads them directly
/// (services never read each other's tables; the verifier may).
package struct DatabaseTarget: Sendable, Hashable {
    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    /// Schema of each service (`intake`, `routing`, …), by service name.
    package var schemas: [String: String]

    /// The default schema of each service, as `make up` provisions them.
    package static let defaultSchemas = [
        "intake": "intake", "routing": "routing", "repair-dispatch": "repair_dispatch", "survey": "survey", "notification": "notification",
    ]

    package init(host: String, port: Int, user: String = "postgres", password: String? = nil, database: String, schemas: [String: String] = defaultSchemas) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schemas = schemas
    }

    /// Parses `postgres://user[:password]@host:port/database`.
    package init(url: String, schemas: [String: String] = defaultSchemas) throws {
        guard let components = URLComponentsLite(url), ["postgres", "postgresql"].contains(components.scheme) else {
            throw HarnessError("database URL must look like postgres://user@host:port/database, got '\(url)'")
        }
        self.init(
            host: components.host, port: components.port ?? 5432, user: components.user ?? "postgres", password: components.password,
            database: components.path.isEmpty ? "careloop" : components.path, schemas: schemas)
    }

    /// Runs `body` on a new connection, then closes it.
    package func withConnection<T: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The parts of a `postgres://` URL (Foundation's URLComponents is avoided for its Linux quirks with userinfo).
private struct URLComponentsLite {
    var scheme: String
    var user: String?
    var password: String?
    var host: String
    var port: Int?
    var path: String

    init?(_ text: String) {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        scheme = String(text[..<schemeEnd.lowerBound])
        var rest = String(text[schemeEnd.upperBound...])
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at].split(separator: ":", maxSplits: 1).map(String.init)
            user = userInfo.first
            password = userInfo.count > 1 ? userInfo[1] : nil
            rest = String(rest[rest.index(after: at)...])
        }
        let hostAndPath = rest.split(separator: "/", maxSplits: 1).map(String.init)
        guard let authority = hostAndPath.first, !authority.isEmpty else { return nil }
        path = hostAndPath.count > 1 ? hostAndPath[1] : ""
        let hostPort = authority.split(separator: ":").map(String.init)
        host = hostPort[0]
        port = hostPort.count > 1 ? Int(hostPort[1]) : nil
    }
}
