import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging

/// The service's parts wired together from its settings: one board, one clock, one dispatcher shared by the
/// event handler, the timer worker and the HTTP API. Tests and benchmarks build the same parts.
struct RepairDispatchParts: Sendable {
    let settings: RepairDispatchSettings
    let database: Database
    let eventSource: String
    let logger: Logger
    let clock: DispatchClock
    let board: DispatchBoardStore
    let dispatcher: Dispatcher

    init(settings: RepairDispatchSettings, database: Database, eventSource: String, logger: Logger,
         now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.database = database
        self.eventSource = eventSource
        self.logger = logger
        clock = DispatchClock(timeZone: settings.timeZone, now: now)
        board = DispatchBoardStore(policy: AssignmentPolicy(allowGeneralFallback: settings.generalFallback), horizonDays: settings.horizonDays)
        dispatcher = Dispatcher(
            board: board, clock: clock,
            timing: Dispatcher.Timing(acceptanceTimeout: settings.acceptanceTimeout, assignmentRetry: settings.assignmentRetry))
    }

    /// Opens work orders from routed cases.
    var opener: WorkOrderOpener {
        WorkOrderOpener(dispatcher: dispatcher, contactRule: settings.contactRule, warrantyPolicy: settings.warrantyPolicy, eventSource: eventSource)
    }

    /// The `careloop.cases.v1` handler.
    var caseHandler: CaseEventHandler { CaseEventHandler(opener: opener) }

    /// Seeds and refreshes the board.
    var rosterSync: RosterSync {
        RosterSync(
            database: database, board: board, clock: clock, seedTechnicians: settings.seedTechnicians, seedProjects: settings.seedProjects,
            refreshInterval: settings.rosterRefresh, logger: logger)
    }

    /// Fires durable timers.
    var timerWorker: TimerWorker {
        TimerWorker(
            database: database, actions: TimerActions(dispatcher: dispatcher), eventSource: eventSource, batchSize: settings.timerBatchSize,
            pollInterval: settings.timerPoll, logger: logger)
    }
}
