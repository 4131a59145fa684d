import CareLoopStorage
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// API keys of one service, in its own schema: created and revoked by the `keys` CLI, checked on every request.
///
/// Successful and failed look-ups are cached for ``cacheTTL`` so a busy client costs no query per request; a
/// revocation therefore takes effect within that time on every replica.
package final class APIKeyStore: Sendable {
    /// The table, versioned as its own component in each service's schema.
    package static let migrations = MigrationSet(
        component: "careloop_api_keys",
        migrations: [
            Migration(
                version: 1,
                name: "create_api_keys",
                sql: """
                    CREATE TABLE api_keys (
                        key_id text PRIMARY KEY,
                        name text NOT NULL,
                        secret_hash bytea NOT NULL,
                        scopes text[] NOT NULL,
                        cities text[] NOT NULL DEFAULT '{}',
                        subject text,
                        rate_per_second double precision,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        revoked_at timestamptz
                    );
                    """
            )
        ])

    /// How long a look-up result is reused.
    package let cacheTTL: Duration
    private let database: Database
    private let cache = Mutex<[String: CachedLookup]>([:])

    private struct CachedLookup {
        var client: APIClient?
        var hash: [UInt8]
        var expires: ContinuousClock.Instant
    }

    /// A store over `database`'s schema.
    package init(database: Database, cacheTTL: Duration = .seconds(5)) {
        self.database = database
        self.cacheTTL = cacheTTL
    }

    /// Creates a key and returns its client and the key text, which is shown once and never stored.
    package func create(
        name: String, scopes: Set<APIScope>, cities: Set<String> = [], subject: String? = nil, ratePerSecond: Double? = nil
    ) async throws -> (client: APIClient, key: String) {
        let key = APIKey.generate()
        let scopeWords = scopes.map(\.rawValue).sorted()
        let cityList = cities.sorted()
        let hash = Data(key.secretHash)
        _ = try await database.withConnection { connection in
            try await connection.query(
                """
                INSERT INTO api_keys (key_id, name, secret_hash, scopes, cities, subject, rate_per_second)
                VALUES (\(key.id), \(name), \(hash), \(scopeWords), \(cityList), \(subject), \(ratePerSecond))
                """, logger: database.logger)
        }
        let client = APIClient(id: key.id, name: name, scopes: scopes, cities: cities, subject: subject, ratePerSecond: ratePerSecond)
        return (client, key.text)
    }

    /// Every key, newest first, revoked ones included.
    package func list() async throws -> [APIKeyRecord] {
        try await database.withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT key_id, name, scopes, cities, subject, rate_per_second, created_at, revoked_at
                FROM api_keys ORDER BY created_at DESC, key_id
                """, logger: database.logger)
            var records: [APIKeyRecord] = []
            for try await (id, name, scopes, cities, subject, rate, created, revoked) in rows.decode(
                (String, String, [String], [String], String?, Double?, Date, Date?).self)
            {
                records.append(
                    APIKeyRecord(
                        client: APIClient(
                            id: id, name: name, scopes: Set(scopes.compactMap(APIScope.init(rawValue:))), cities: Set(cities),
                            subject: subject, ratePerSecond: rate),
                        createdAt: created, revokedAt: revoked))
            }
            return records
        }
    }

    /// Revokes a key; `false` when there is no such key or it was already revoked.
    package func revoke(id: String) async throws -> Bool {
        let revoked = try await database.withConnection { connection in
            let rows = try await connection.query(
                "UPDATE api_keys SET revoked_at = now() WHERE key_id = \(id) AND revoked_at IS NULL RETURNING key_id",
                logger: database.logger)
            var count = 0
            for try await _ in rows { count += 1 }
            return count
        }
        _ = cache.withLock { $0.removeValue(forKey: id) }
        return revoked > 0
    }

    /// The client of a valid, unrevoked key; `nil` for anything else.
    package func authenticate(_ text: String) async throws -> APIClient? {
        guard let key = APIKey(parsing: text) else { return nil }
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[key.id] }), cached.expires > now {
            return cached.client != nil && key.matches(hash: cached.hash) ? cached.client : nil
        }
        let found = try await database.withConnection { connection -> (APIClient, [UInt8])? in
            let rows = try await connection.query(
                """
                SELECT name, secret_hash, scopes, cities, subject, rate_per_second
                FROM api_keys WHERE key_id = \(key.id) AND revoked_at IS NULL
                """, logger: database.logger)
            for try await (name, hash, scopes, cities, subject, rate) in rows.decode(
                (String, Data, [String], [String], String?, Double?).self)
            {
                let client = APIClient(
                    id: key.id, name: name, scopes: Set(scopes.compactMap(APIScope.init(rawValue:))), cities: Set(cities), subject: subject,
                    ratePerSecond: rate)
                return (client, Array(hash))
            }
            return nil
        }
        let entry = CachedLookup(client: found?.0, hash: found?.1 ?? [], expires: now + cacheTTL)
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }  // bounded: unknown ids cannot grow it without limit
            cache[key.id] = entry
        }
        guard let (client, hash) = found, key.matches(hash: hash) else { return nil }
        return client
    }
}

/// A key as listed by the CLI (never with its secret).
package struct APIKeyRecord: Sendable, Hashable {
    /// The key's client.
    package var client: APIClient
    /// When it was created.
    package var createdAt: Date
    /// When it was revoked, if it was.
    package var revokedAt: Date?
}
