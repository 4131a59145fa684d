import CareLoopContracts
import Testing

@testable import RepairDispatchService

@Suite("Dispatch board: single orders and delivery waves")
struct DispatchBoardTests {
    static func tech(
        _ id: String, _ skills: Set<TechnicianSkill>, zones: Set<ServiceZone> = [.project("SZ-FSG")], capacity: Int = 4,
        kind: Technician.Kind = .technician
    ) -> Technician {
        Technician(id: id, kind: kind, skills: skills, zones: zones, dailyCapacity: capacity)
    }

    static func requests(
        _ count: Int, skill: TechnicianSkill = .plumbing, building: String? = "12", prefix: String = "WO", excluded: Set<String> = []
    ) throws -> [DispatchRequest] {
        let due = try instant("2026-11-24T10:00:00Z")
        return (0..<count).map {
            DispatchRequest(
                workOrderID: "\(prefix)-\(building ?? "-")-\(skill.rawValue)-\(1000 + $0)", skill: skill, project: "SZ-FSG",
                building: building, due: due, excluded: excluded)
        }
    }

    /// (technician, day) of each plan; `nil` for nobody suitable.
    func placements(_ plans: [DispatchPlan]) -> [(String, LocalDate)?] {
        plans.map {
            if case .planned(let technician, let day, _, _) = $0.outcome { return (technician.id, day) }
            return nil
        }
    }

    @Test("a wave fills today's capacity, then spills over to the following days, never beyond capacity")
    func spillsOverDays() throws {
        var board = DispatchBoard(technicians: [Self.tech("A", [.plumbing], capacity: 3), Self.tech("B", [.plumbing], capacity: 2)])
        let today = try day("2026-11-23")
        let plans = board.place(try Self.requests(12), today: today)
        let placed = placements(plans)
        #expect(placed.allSatisfy { $0 != nil }, "everyone placed within the horizon")
        var perDay: [LocalDate: [String: Int]] = [:]
        for case let (technician, day)? in placed { perDay[day, default: [:]][technician, default: 0] += 1 }
        #expect(perDay[today] == ["A": 3, "B": 2])
        #expect(perDay[today.adding(days: 1)] == ["A": 3, "B": 2])
        #expect(perDay[today.adding(days: 2)] == ["A": 2], "the last two go to the least loaded on day 3")
        #expect(board.load(of: "A", on: today) == 3 && board.load(of: "B", on: today.adding(days: 1)) == 2)
    }

    @Test("a wave is grouped by building and trade: each group's orders go to one crew per day while it has room")
    func groupsStickToACrew() throws {
        let roster = [
            Self.tech("P1", [.plumbing], capacity: 6), Self.tech("P2", [.plumbing], capacity: 6),
            Self.tech("E1", [.electrical], capacity: 6),
        ]
        var board = DispatchBoard(technicians: roster)
        // Interleaved as inspectors record them: building 12 and 7, plumbing and electrical.
        var requests: [DispatchRequest] = []
        let b12 = try Self.requests(5, building: "12")
        let b7 = try Self.requests(5, building: "7")
        let e12 = try Self.requests(3, skill: .electrical, building: "12")
        for index in 0..<5 {
            requests.append(b12[index])
            requests.append(b7[index])
            if index < 3 { requests.append(e12[index]) }
        }
        let plans = board.place(requests, today: try day("2026-11-23"))
        #expect(plans.map(\.workOrderID) == requests.map(\.workOrderID), "one plan per request, in request order")
        func technicians(of group: [DispatchRequest]) -> Set<String> {
            Set(group.compactMap { request in placements(plans)[plans.firstIndex { $0.workOrderID == request.workOrderID }!]?.0 })
        }
        #expect(technicians(of: b12).count == 1, "building 12 plumbing: one crew")
        #expect(technicians(of: b7).count == 1, "building 7 plumbing: one crew")
        #expect(technicians(of: b12) != technicians(of: b7), "the second building goes to the less loaded crew")
        #expect(technicians(of: e12) == ["E1"])
        #expect(plans.first { $0.workOrderID == b12[0].workOrderID }?.group.description == "12/plumbing")
    }

    @Test("orders are placed by contact deadline within a group")
    func earliestDueFirst() throws {
        var board = DispatchBoard(technicians: [Self.tech("A", [.plumbing], capacity: 1)])
        var late = try Self.requests(1, prefix: "LATE")[0]
        late.due = try instant("2026-11-25T10:00:00Z")
        let early = try Self.requests(1, prefix: "EARLY")[0]
        let plans = board.place([late, early], today: try day("2026-11-23"))
        #expect(placements(plans)[1]?.1 == (try day("2026-11-23")), "the earlier deadline gets today")
        #expect(placements(plans)[0]?.1 == (try day("2026-11-24")))
    }

    @Test("nobody suitable within the horizon: every order of the group escalates with the reasons")
    func nobodySuitable() throws {
        var board = DispatchBoard(
            technicians: [Self.tech("A", [.plumbing], capacity: 1), Self.tech("W", [.windows], capacity: 5)], horizonDays: 2)
        let plans = board.place(try Self.requests(4), today: try day("2026-11-23"))
        #expect(placements(plans).compactMap { $0 }.count == 2, "A takes one a day for two days")
        guard case .nobodySuitable(let reasons) = plans.last?.outcome else {
            Issue.record("expected nobody suitable, got \(String(describing: plans.last))")
            return
        }
        var expected = AssignmentRejections()
        expected.lackingSkill = 1
        expected.atCapacity = 1
        #expect(reasons == [.technician: expected])
    }

    @Test("excluded technicians are skipped; a crew that must accept is planned as awaiting acceptance")
    func exclusionAndAcceptance() throws {
        var board = DispatchBoard(technicians: [Self.tech("A", [.plumbing]), Self.tech("V", [.plumbing], kind: .vendorCrew)])
        let plans = board.place(try Self.requests(1, excluded: ["A"]), today: try day("2026-11-23"))
        guard case .planned(let technician, _, _, let awaitingAcceptance) = plans[0].outcome else {
            Issue.record("expected a plan")
            return
        }
        #expect(technician.id == "V" && awaitingAcceptance)
    }

    @Test("released orders free capacity; the general fallback takes trades nobody has")
    func releaseAndFallback() throws {
        let today = try day("2026-11-23")
        var board = DispatchBoard(technicians: [Self.tech("A", [.plumbing], capacity: 1)])
        _ = board.place(try Self.requests(1), today: today)
        board.release(technicianID: "A", day: today)
        #expect(placements(board.place(try Self.requests(1, prefix: "X"), today: today))[0]?.1 == today)

        var strict = DispatchBoard(technicians: [Self.tech("G", [.general])])
        #expect(placements(strict.place(try Self.requests(1, skill: .hvac), today: today))[0] == nil)
        var lenient = DispatchBoard(technicians: [Self.tech("G", [.general])], policy: AssignmentPolicy(allowGeneralFallback: true))
        let plan = lenient.place(try Self.requests(1, skill: .hvac), today: today)[0]
        guard case .planned(let technician, _, let fallback, _) = plan.outcome else {
            Issue.record("expected a fallback plan")
            return
        }
        #expect(technician.id == "G" && fallback)
    }
}
