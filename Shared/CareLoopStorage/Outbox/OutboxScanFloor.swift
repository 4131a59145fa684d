/// Where the relay's next read of unsent rows starts: above a floor below which every row is known to be
/// published (or never to exist).
///
/// Reading from the floor instead of from the first row keeps each read short. Published rows leave the unsent
/// index only when PostgreSQL removes their dead entries, which it may not do for seconds under load; every read
/// from the start walked those entries (about 3,000 per read at 300 cases/s, most of the read's time).
///
/// Row ids are not assigned in commit order: a transaction can commit rows below an id the relay has already
/// published. The floor therefore moves in epochs. A read notes the highest id it saw and the first transaction
/// id not yet started (its snapshot's `xmax`). Row ids are taken after their transaction's id (outbox migration
/// 3), so every transaction that can still commit a row below that id has a smaller transaction id. Once the
/// oldest running transaction is past the noted `xmax`, all of them have ended, the next read (still from the old
/// floor) sees every such row, and after that read the floor moves up to the noted id, never past a row that is
/// still unsent. A full read from the first row now and then guards against anything this reasoning missed.
struct OutboxScanFloor {
    /// Rows at or below this id are published.
    private(set) var floor: Int64 = 0
    /// The epoch in progress: the highest id seen, and the transaction id the oldest running one must reach.
    private var pending: (candidate: Int64, oldestRunningAtLeast: Int64)?
    private let fullReadInterval: Duration
    private var lastFullRead: ContinuousClock.Instant?

    /// - Parameter fullReadInterval: how often a read starts from the first row regardless.
    init(fullReadInterval: Duration) {
        self.fullReadInterval = fullReadInterval
    }

    /// The id the next read starts above: the floor, or 0 when a full read is due.
    mutating func start(now: ContinuousClock.Instant = .now) -> Int64 {
        if let lastFullRead, now - lastFullRead < fullReadInterval { return floor }
        lastFullRead = now
        reset()
        return 0
    }

    /// Forgets the floor (another relay worked meanwhile, or a batch failed); the next read starts from the first row.
    mutating func reset() {
        floor = 0
        pending = nil
    }

    /// Records a committed batch.
    /// - Parameters:
    ///   - oldestRunning: the oldest running transaction id before the read (`pg_snapshot_xmin`).
    ///   - ids: the ids read, ascending.
    ///   - snapshotEnd: the read's `pg_snapshot_xmax`.
    ///   - limitReached: whether the read returned as many rows as it asked for.
    ///   - unsent: ids read that are still unsent (failed or held back).
    mutating func record(oldestRunning: Int64, ids: [Int64], snapshotEnd: Int64?, limitReached: Bool, unsent: [Int64]) {
        if let epoch = pending, oldestRunning >= epoch.oldestRunningAtLeast {
            var next = epoch.candidate
            if limitReached, let last = ids.last { next = min(next, last) }
            if let firstUnsent = unsent.min() { next = min(next, firstUnsent - 1) }
            floor = max(floor, next)
            pending = nil
        }
        if pending == nil, let snapshotEnd, let last = ids.last, last > floor {
            pending = (last, snapshotEnd)
        }
    }
}
