import CareLoopStorage
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the live registry in step with the database: applies the seed file once (per content), loads the
/// registry, then reloads it every `interval` so updates made through another replica arrive here too.
struct PropertyRegistrySync: Service {
    let database: Database
    let seed: PropertyDocument
    let live: LivePropertyRegistry
    let numbers: ReferenceNumbers
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await load()
                break
            } catch {
                logger.warning("Property registry not loaded yet; retrying", metadata: ["error": "\(error)"])
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) } } catch { return }
            }
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try await reload()
            } catch {
                logger.warning("Property registry reload failed; keeping the last one", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Applies the seed (once per content) and loads the registry.
    func load() async throws {
        try await database.withTransaction { connection in
            let repository = PropertyRepository(connection: connection, logger: logger)
            if try await repository.applySeed(seed) {
                logger.info("Property seed applied", metadata: ["cities": "\(seed.cities.count)"])
            }
        }
        try await reload()
    }

    /// Loads the registry from the database, makes sure every city has its reference sequences for this year and
    /// the next, and installs it.
    func reload() async throws {
        let document = try await database.withConnection { connection in
            try await PropertyRepository(connection: connection, logger: logger).load()
        }
        try await numbers.prepare(ReferenceNumbers.keys(of: document.cities, around: Date()), logger: logger)
        live.replace(PropertyRegistry(document))
    }
}
