import CareLoopStorage
import Logging
import ServiceLifecycle

/// Deletes inbox entries older than the retention, now and then, so the de-duplication table stays
/// small. Keep the retention well above the longest time a record can be redelivered or replayed.
package struct InboxJanitor: Service {
    private let database: Database
    private let retention: Duration
    private let interval: Duration
    private let logger: Logger

    package init(database: Database, retention: Duration, interval: Duration = .seconds(600), logger: Logger) {
        self.database = database
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                let deleted = try await database.withConnection { try await Inbox.deleteProcessed(olderThan: retention, connection: $0) }
                if deleted > 0 { logger.info("Inbox entries past retention deleted", metadata: ["rows": "\(deleted)"]) }
            } catch {
                logger.warning("Inbox cleanup failed; will retry", metadata: ["error": "\(error)"])
            }
        }
    }
}
