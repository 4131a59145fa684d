import CareLoopContracts
import Foundation
import Histogram
import RepairDispatchService

/// `careloop-bench dispatch-assign`: one assignment decision on a large board, as the service makes it for every
/// new or reassigned work order (``DispatchBoard/place(_:today:)``: index look-up, capacity check over the
/// candidates, ``AssignmentPolicy`` ranking, load update).
///
/// The board holds `--technicians` technicians and vendor crews (one or two of the eight trades each, covering three
/// of `--projects` projects, some only single buildings, capacities 4–12) and `--orders` open orders spread over
/// them and the next days. Then `--decisions` single orders of random trades, projects and buildings are placed one
/// by one; each decision's time goes into a histogram.
enum DispatchAssignmentBench: BenchScenario {
    static let name = "dispatch-assign"
    static let summary = "assignment decisions over a large roster and open-order load: latency per decision"

    static func run(arguments: BenchArguments) async throws {
        let technicianCount = try arguments.int("technicians", default: 2_000)
        let orderCount = try arguments.int("orders", default: 50_000)
        let decisions = try arguments.int("decisions", default: 20_000)
        let projects = try arguments.int("projects", default: 300)
        var random = DispatchBenchRandom(seed: UInt64(try arguments.int("seed", default: 42)))
        let skills = TechnicianSkill.allCases

        let technicians = (0..<technicianCount).map { number in
            var trades: Set<TechnicianSkill> = [skills.randomElement(using: &random)!]
            if Bool.random(using: &random) { trades.insert(skills.randomElement(using: &random)!) }
            var zones: Set<ServiceZone> = []
            for _ in 0..<3 {
                let project = "P-\(Int.random(in: 0..<projects, using: &random))"
                zones.insert(Int.random(in: 0..<4, using: &random) == 0 ? .building(project: project, building: "\(Int.random(in: 0..<20, using: &random))") : .project(project))
            }
            return Technician(
                id: String(format: "T-%05d", number), kind: number % 5 == 0 ? .vendorCrew : .technician, skills: trades, zones: zones,
                dailyCapacity: Int.random(in: 4...12, using: &random))
        }
        let today = LocalDate(year: 2026, month: 11, day: 23)!
        var board = DispatchBoard(technicians: technicians, policy: AssignmentPolicy(allowGeneralFallback: true), horizonDays: 14)
        var loaded = 0
        while loaded < orderCount {
            let technician = technicians[Int.random(in: 0..<technicians.count, using: &random)]
            board.add(technicianID: technician.id, day: today.adding(days: Int.random(in: 0..<10, using: &random)))
            loaded += 1
        }
        let due = Timestamp(Date().addingTimeInterval(86_400))
        let requests = (0..<decisions).map { index in
            DispatchRequest(
                workOrderID: "WO-\(index)", skill: skills.randomElement(using: &random)!, project: "P-\(Int.random(in: 0..<projects, using: &random))",
                building: "\(Int.random(in: 0..<20, using: &random))", due: due)
        }

        var latency = Histogram<UInt64>(highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)
        var outcomes = (planned: 0, nobody: 0, laterDay: 0)
        let clock = ContinuousClock()
        for request in requests {
            let start = clock.now
            let plan = board.place([request], today: today)[0]
            let elapsed = clock.now - start
            latency.record(UInt64(elapsed.components.attoseconds / 1_000_000_000 + elapsed.components.seconds * 1_000_000_000))
            switch plan.outcome {
            case .planned(_, let day, _, _):
                outcomes.planned += 1
                if day != today { outcomes.laterDay += 1 }
            case .nobodySuitable: outcomes.nobody += 1
            }
        }
        func microseconds(_ nanoseconds: UInt64) -> String { String(format: "%.1f µs", Double(nanoseconds) / 1000) }
        print("dispatch-assign: \(technicianCount) technicians and crews, \(orderCount) open orders on the board, \(projects) projects, \(decisions) decisions")
        print("  per decision: p50 \(microseconds(latency.valueAtPercentile(50)))  p99 \(microseconds(latency.valueAtPercentile(99)))  p99.9 \(microseconds(latency.valueAtPercentile(99.9)))  max \(microseconds(latency.max))")
        print("  outcomes: \(outcomes.planned) planned (\(outcomes.laterDay) on a later day), \(outcomes.nobody) nobody suitable (escalated)")
    }
}

/// A deterministic random source (SplitMix64), so runs are comparable.
struct DispatchBenchRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
