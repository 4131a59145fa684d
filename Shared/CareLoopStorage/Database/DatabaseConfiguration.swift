import CareLoopContracts
import PostgresNIO

/// Where and how a service reaches PostgreSQL, and which schema it works in.
///
/// The runtime builds it from the service's configuration; every pooled connection has its `search_path` set to
/// ``schema``, so a service's SQL names its tables without a schema prefix.
package struct DatabaseConfiguration: Sendable {
    /// Whether connections use TLS.
    package enum TLSMode: Sendable, Hashable {
        /// Plain TCP (loopback and private networks).
        case disable
        /// TLS when the server offers it, plain TCP otherwise.
        case prefer
        /// TLS with certificate verification, or no connection.
        case require
    }

    /// Host name or IP address of the server.
    package var host: String
    /// TCP port of the server.
    package var port: Int = 5432
    /// Login role.
    package var user: String
    /// Password of ``user``; `nil` for trust or peer authentication.
    package var password: String?
    /// Database to open.
    package var database: String
    /// The service's own schema: lowercase letters, digits and `_`, starting with a letter or `_`, at most 63 bytes.
    package var schema: String
    /// Largest number of pooled connections (the outbox relay's listener keeps one of them).
    package var poolSize: Int = 10
    /// Time allowed to open one connection.
    package var connectTimeout: Duration = .seconds(10)
    /// Longest a leased connection may be held; past it the connection is closed, so a query that would never
    /// complete (a connection the server ended that the client did not notice) fails instead of hanging its caller.
    package var operationTimeout: Duration = .seconds(60)
    /// How long a lease may stay held on a connection that has closed before it counts as stuck (postgres-nio
    /// 1.33 drops a statement written to a closed connection, so its caller never resumes).
    package var stuckLeaseGrace: Duration = .seconds(5)
    /// How long a pooled connection serves before it is closed at the end of a lease (`nil`: for ever). Frees the
    /// buffers postgres-nio keeps at the size of the largest statement a connection ever sent (see
    /// ``ConnectionLifetimes``).
    package var connectionMaxLifetime: Duration? = .seconds(120)
    /// Shown as `application_name` in `pg_stat_activity`.
    package var applicationName: String = "careloop"
    /// TLS use; `.disable` by default.
    package var tls: TLSMode = .disable

    /// Creates a configuration; the remaining settings keep their defaults until changed.
    package init(host: String, port: Int = 5432, user: String, password: String?, database: String, schema: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schema = schema
    }

    /// Throws ``StorageError/Code-swift.struct/invalidConfiguration`` when ``schema`` or ``poolSize`` cannot work.
    package func validate() throws(StorageError) {
        guard Self.isPlainIdentifier(schema) else {
            throw StorageError(
                .invalidConfiguration,
                "schema '\(schema)' must be 1-63 lowercase letters, digits or '_', not starting with a digit"
            )
        }
        guard poolSize >= 1 else {
            throw StorageError(.invalidConfiguration, "poolSize must be at least 1, is \(poolSize)")
        }
    }

    /// The pooled client's configuration: ``poolSize`` connections at most, `search_path` set to ``schema``.
    package var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: clientTLS)
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// A single connection's configuration with the same settings, for work outside the pool (migrations).
    ///
    /// Throws when TLS is asked for and no TLS context can be built.
    package func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: try connectionTLS())
        configuration.options.connectTimeout = .nanoseconds(connectTimeout.wholeNanoseconds)
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    private var startupParameters: [(String, String)] {
        [("search_path", schema), ("application_name", applicationName)]
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// Whether `name` is an identifier PostgreSQL keeps as written without quotes.
    static func isPlainIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        let isLetter = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
        }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        return isLetter(first) && bytes.allSatisfy { isLetter($0) || isDigit($0) }
    }
}
