import CareLoopStorage
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Registers the submissions of concurrent HTTP requests together: what arrives while a registration runs goes into
/// the next one, so many `POST /v1/cases` share one statement and one commit (one WAL flush) and the per-request cost
/// stays low under load, while a lone request is registered at once. Each request still gets its own outcome.
///
/// - Important: Run it (a member of the service group) before the API takes requests; it stops after the API.
final class RegistrationBatcher: Service, Sendable {
    private struct Pending: Sendable {
        var submission: AcceptedSubmission
        var continuation: CheckedContinuation<RegistrationOutcome, any Error>
    }

    /// The batcher stopped; the request can be retried (on another replica).
    struct Stopped: Error, CustomStringConvertible {
        var description: String { "intake is shutting down; retry the request" }
    }

    let database: Database
    let registrar: CaseRegistrar
    let registry: LivePropertyRegistry
    /// Most submissions per transaction.
    let maxBatch: Int
    /// Transactions in flight at once.
    let concurrency: Int
    let logger: Logger
    private let now: @Sendable () -> Date
    private let pending = Mutex<[Pending]>([])
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    init(
        database: Database, registrar: CaseRegistrar, registry: LivePropertyRegistry, maxBatch: Int = 200, concurrency: Int = 4,
        logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.database = database
        self.registrar = registrar
        self.registry = registry
        self.maxBatch = maxBatch
        self.concurrency = concurrency
        self.logger = logger
        self.now = now
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Registers `submission` with whatever else is waiting; returns its own outcome.
    func register(_ submission: AcceptedSubmission) async throws -> RegistrationOutcome {
        try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0.append(Pending(submission: submission, continuation: continuation)) }
            if case .terminated = ring.yield() { failWaiting(Stopped()) }
        }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var inFlight = 0
                for await _ in doorbell {
                    while true {
                        if inFlight == concurrency {
                            await group.next()
                            inFlight -= 1
                        }
                        guard let batch = take() else { break }
                        inFlight += 1
                        group.addTask { await self.process(batch) }
                    }
                }
                await group.waitForAll()
            }
        } onGracefulShutdown: {
            self.ring.finish()
        }
        failWaiting(Stopped())
    }

    /// Up to `maxBatch` waiting submissions, oldest first; `nil` when none waits.
    private func take() -> [Pending]? {
        pending.withLock { waiting in
            guard !waiting.isEmpty else { return nil }
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            return batch
        }
    }

    private func process(_ batch: [Pending]) async {
        do {
            let registry = try await registry.current()
            // One statement writes everything (see CaseRegistrar): no transaction needed around it.
            let outcomes = try await database.withConnection { connection in
                try await registrar.register(
                    batch.map(\.submission), registry: registry, registeredAt: now(), lookUpRepeats: true, connection: connection,
                    logger: logger)
            }
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
        } catch {
            logger.warning("Registration of HTTP submissions failed", metadata: ["submissions": "\(batch.count)", "error": "\(error)"])
            for waiting in batch { waiting.continuation.resume(throwing: error) }
        }
    }

    private func failWaiting(_ error: any Error) {
        let waiting = pending.withLock { waiting in
            defer { waiting.removeAll() }
            return waiting
        }
        for entry in waiting { entry.continuation.resume(throwing: error) }
    }
}
