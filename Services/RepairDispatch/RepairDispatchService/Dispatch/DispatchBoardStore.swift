import CareLoopContracts
import Logging

/// The shared, in-memory ``DispatchBoard`` of this process: rebuilt from the database when the roster changes and
/// every refresh interval (so replicas converge), and updated as orders are placed, moved and closed.
///
/// Between refreshes each replica counts only its own placements, so two replicas can briefly overfill a day by
/// a few orders; the next refresh corrects the counts.
actor DispatchBoardStore {
    private var board: DispatchBoard
    private var profiles: [String: TechnicianProfile] = [:]
    private var loaded = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// An empty board until ``replace(profiles:load:)`` runs.
    init(policy: AssignmentPolicy, horizonDays: Int) {
        board = DispatchBoard(technicians: [], policy: policy, horizonDays: horizonDays)
    }

    /// Swaps in a freshly loaded roster and load (active profiles only are placed).
    func replace(profiles: [TechnicianProfile], defaultOffsetMinutes: Int, load: [(technicianID: String, day: LocalDate, count: Int)]) {
        var fresh = DispatchBoard(
            technicians: profiles.filter(\.active).map { $0.technician(defaultOffsetMinutes: defaultOffsetMinutes) },
            policy: board.policy, horizonDays: board.horizonDays)
        for entry in load { fresh.add(technicianID: entry.technicianID, day: entry.day, count: entry.count) }
        board = fresh
        self.profiles = Dictionary(profiles.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        loaded = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }

    /// Returns once the first roster is loaded (event handling waits for it at start-up).
    func waitUntilLoaded() async {
        if loaded { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Places `requests` from `today` (see ``DispatchBoard/place(_:today:)``) and counts them.
    func place(_ requests: [DispatchRequest], today: LocalDate) -> [DispatchPlan] {
        board.place(requests, today: today)
    }

    /// Places one `request` with `preferred` first (see ``DispatchBoard/place(_:preferring:today:)``) and counts it.
    func place(_ request: DispatchRequest, preferring preferred: String?, today: LocalDate) -> DispatchPlan {
        board.place(request, preferring: preferred, today: today)
    }

    /// Counts one order less for `technicianID` on `day` (closed, moved or reassigned).
    func release(technicianID: String, day: LocalDate) {
        board.release(technicianID: technicianID, day: day)
    }

    /// Counts one order more for `technicianID` on `day` (assigned by staff or moved to that day).
    func add(technicianID: String, day: LocalDate) {
        board.add(technicianID: technicianID, day: day)
    }

    /// The profile with `id` (inactive ones too).
    func profile(_ id: String) -> TechnicianProfile? { profiles[id] }

    /// Open orders of `technicianID` planned on `day`.
    func load(of technicianID: String, on day: LocalDate) -> Int { board.load(of: technicianID, on: day) }
}
