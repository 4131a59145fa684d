import CareLoopContracts
import CareLoopStorage
import Logging
import ServiceLifecycle

/// Keeps the process's ``DispatchBoardStore`` in step with the database: seeds the roster and project registry
/// from the configured files at start (rows that exist are left alone), loads the board, then reloads it every
/// refresh interval (and at once when asked, after an admin change), so replicas converge on the same counts.
struct RosterSync: Service {
    let database: Database
    let board: DispatchBoardStore
    let clock: DispatchClock
    let seedTechnicians: [TechnicianProfile]
    let seedProjects: [ProjectDelivery]
    let refreshInterval: Duration
    let logger: Logger

    func run() async throws {
        var seeded = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if !seeded {
                    try await seed()
                    seeded = true
                }
                try await refresh()
            } catch {
                guard !Task.isCancelled else { return }
                logger.error("Roster refresh failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: refreshInterval) }
        }
        logger.info("Roster sync stopped")
    }

    /// Inserts the seed files' entries that are not in the database yet.
    func seed() async throws {
        guard !seedTechnicians.isEmpty || !seedProjects.isEmpty else { return }
        let logger = logger
        let technicians = seedTechnicians
        let projects = seedProjects
        let (newTechnicians, newProjects) = try await database.withTransaction { connection in
            (
                try await RosterRepository(connection: connection, logger: logger).seed(technicians),
                try await ProjectRepository(connection: connection, logger: logger).seed(projects)
            )
        }
        logger.info("Seed files applied", metadata: ["new_technicians": "\(newTechnicians)", "new_projects": "\(newProjects)"])
    }

    /// Reloads roster and load into the board.
    func refresh() async throws {
        let logger = logger
        let today = clock.today()
        let (profiles, load) = try await database.withConnection { connection in
            let repository = RosterRepository(connection: connection, logger: logger)
            return (try await repository.profiles(), try await repository.plannedLoad(today: today))
        }
        let offset = clock.offsetSeconds(at: clock.now()) / 60
        await board.replace(profiles: profiles, defaultOffsetMinutes: offset, load: load)
    }
}
