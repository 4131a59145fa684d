import CareLoopContracts
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("Assignment policy")
struct AssignmentPolicyTests {
    static func tech(
        _ id: String, _ skills: Set<TechnicianSkill>, zones: Set<ServiceZone> = [.project("SZ-FSG")],
        kind: Technician.Kind = .technician, capacity: Int = 4
    ) -> Technician {
        Technician(id: id, kind: kind, skills: skills, zones: zones, dailyCapacity: capacity)
    }

    static func request(
        _ skill: TechnicianSkill, project: String = "SZ-FSG", building: String? = "12", excluded: Set<String> = []
    ) throws -> AssignmentRequest {
        AssignmentRequest(
            skill: skill, project: project, building: building, due: try instant("2026-11-23T10:00:00Z"),
            excluded: excluded)
    }

    func chosenID(_ decision: AssignmentDecision) -> String? {
        if case .assigned(let technician, _) = decision { return technician.id }
        return nil
    }

    @Test("only technicians with the skill are chosen")
    func bySkill() throws {
        let roster = [Self.tech("A", [.electrical]), Self.tech("B", [.plumbing]), Self.tech("C", [.windows])]
        #expect(chosenID(AssignmentPolicy().choose(for: try Self.request(.plumbing), among: roster, load: [:])) == "B")
        #expect(chosenID(AssignmentPolicy().choose(for: try Self.request(.hvac), among: roster, load: [:])) == nil)
    }

    @Test("zones: whole project, or the named building only")
    func byZone() throws {
        let roster = [
            Self.tech("A", [.plumbing], zones: [.project("WH-LKC")]),
            Self.tech("B", [.plumbing], zones: [.building(project: "SZ-FSG", building: "12")]),
        ]
        let policy = AssignmentPolicy()
        #expect(chosenID(policy.choose(for: try Self.request(.plumbing, building: "12"), among: roster, load: [:])) == "B")
        #expect(chosenID(policy.choose(for: try Self.request(.plumbing, building: "7"), among: roster, load: [:])) == nil)
        #expect(chosenID(policy.choose(for: try Self.request(.plumbing, building: nil), among: roster, load: [:])) == nil)
        #expect(
            chosenID(policy.choose(for: try Self.request(.plumbing, project: "WH-LKC"), among: roster, load: [:]))
                == "A")
    }

    @Test("a technician at daily capacity or busy past the due time is skipped")
    func byCapacity() throws {
        let roster = [Self.tech("A", [.plumbing], capacity: 2), Self.tech("B", [.plumbing], capacity: 8)]
        let full: [String: TechnicianLoad] = ["A": TechnicianLoad(assignedToday: 2), "B": TechnicianLoad(assignedToday: 7)]
        #expect(chosenID(AssignmentPolicy().choose(for: try Self.request(.plumbing), among: roster, load: full)) == "B")
        let busy: [String: TechnicianLoad] = [
            "A": TechnicianLoad(assignedToday: 0), "B": TechnicianLoad(freeFrom: try instant("2026-11-23T11:00:00Z")),
        ]
        #expect(chosenID(AssignmentPolicy().choose(for: try Self.request(.plumbing), among: roster, load: busy)) == "A")
    }

    @Test("ranking: lower load ratio, then earlier free, then smaller id, whatever the roster order")
    func ranking() throws {
        let roster = [
            Self.tech("D", [.plumbing], capacity: 4), Self.tech("C", [.plumbing], capacity: 4),
            Self.tech("B", [.plumbing], capacity: 8), Self.tech("A", [.plumbing], capacity: 4),
        ]
        let policy = AssignmentPolicy()
        let request = try Self.request(.plumbing)
        // Ratios: A 2/4, B 2/8, C 1/4, D 1/4 → B, C and D tie at 1/4 on ratio.
        var load: [String: TechnicianLoad] = [
            "A": TechnicianLoad(assignedToday: 2), "B": TechnicianLoad(assignedToday: 2),
            "C": TechnicianLoad(assignedToday: 1), "D": TechnicianLoad(assignedToday: 1),
        ]
        for order in [roster, roster.reversed(), [roster[2], roster[0], roster[3], roster[1]]] {
            #expect(chosenID(policy.choose(for: request, among: order, load: load)) == "B")
        }
        load["B"]?.freeFrom = try instant("2026-11-23T09:00:00Z")
        load["C"]?.freeFrom = try instant("2026-11-23T08:00:00Z")
        load["D"]?.freeFrom = try instant("2026-11-23T08:00:00Z")
        for order in [roster, roster.reversed()] {
            #expect(chosenID(policy.choose(for: request, among: order, load: load)) == "C")
        }
        load["C"]?.freeFrom = try instant("2026-11-23T08:30:00Z")
        #expect(chosenID(policy.choose(for: request, among: roster, load: load)) == "D")
        load["A"] = TechnicianLoad(assignedToday: 0)
        if case .assigned(let technician, let reason) = policy.choose(for: request, among: roster, load: load) {
            #expect(technician.id == "A")
            #expect(reason.suitableCount == 4)
            #expect(!reason.generalFallback)
        } else {
            Issue.record("expected an assignment")
        }
    }

    @Test("nobody suitable: counts per kind say why, so the dispatcher can escalate")
    func nobodySuitable() throws {
        let roster = [
            Self.tech("A", [.electrical]),
            Self.tech("B", [.plumbing], zones: [.project("WH-LKC")]),
            Self.tech("C", [.plumbing], capacity: 1),
            Self.tech("V1", [.plumbing], kind: .vendorCrew),
            Self.tech("V2", [.plumbing], kind: .vendorCrew),
            Self.tech("G", [.general]),
        ]
        let load: [String: TechnicianLoad] = [
            "C": TechnicianLoad(assignedToday: 1), "V2": TechnicianLoad(freeFrom: try instant("2026-11-24T08:00:00Z")),
        ]
        let decision = AssignmentPolicy().choose(for: try Self.request(.plumbing, excluded: ["V1"]), among: roster, load: load)
        var technicians = AssignmentRejections()
        technicians.lackingSkill = 2
        technicians.outsideZone = 1
        technicians.atCapacity = 1
        var crews = AssignmentRejections()
        crews.excluded = 1
        crews.busyUntilAfterDue = 1
        #expect(decision == .nobodySuitable(reasons: [.technician: technicians, .vendorCrew: crews]))
    }

    @Test("general is a fallback only when configured, and only when no specialist fits")
    func generalFallback() throws {
        let roster = [Self.tech("G", [.general]), Self.tech("W", [.windows], capacity: 1)]
        let request = try Self.request(.windows)
        let full: [String: TechnicianLoad] = ["W": TechnicianLoad(assignedToday: 1)]
        #expect(chosenID(AssignmentPolicy().choose(for: request, among: roster, load: full)) == nil)
        let fallback = AssignmentPolicy(allowGeneralFallback: true)
        #expect(chosenID(fallback.choose(for: request, among: roster, load: [:])) == "W")
        guard case .assigned(let technician, let reason) = fallback.choose(for: request, among: roster, load: full) else {
            Issue.record("expected the generalist")
            return
        }
        #expect(technician.id == "G")
        #expect(reason.generalFallback)
    }

    @Test("vendor crews need acceptance; a crew that declined is not chosen again")
    func vendorAcceptance() throws {
        let roster = [Self.tech("V1", [.waterproofing], kind: .vendorCrew), Self.tech("V2", [.waterproofing], kind: .vendorCrew)]
        guard case .assigned(let first, let reason) = AssignmentPolicy().choose(
            for: try Self.request(.waterproofing), among: roster, load: [:])
        else {
            Issue.record("expected a crew")
            return
        }
        #expect(first.id == "V1")
        #expect(reason.awaitingAcceptance)
        let again = AssignmentPolicy().choose(
            for: try Self.request(.waterproofing, excluded: ["V1"]), among: roster, load: [:])
        #expect(chosenID(again) == "V2")
        let ownTechnician = [Self.tech("T", [.waterproofing])]
        if case .assigned(_, let reason) = AssignmentPolicy().choose(
            for: try Self.request(.waterproofing), among: ownTechnician, load: [:])
        {
            #expect(!reason.awaitingAcceptance)
        }
    }

    @Test("over 2,000 technicians the index chooses exactly what a full scan would", .timeLimit(.minutes(1)))
    func largeRoster() throws {
        var generator = SplitMix(seed: 42)
        let skills = TechnicianSkill.allCases.filter { $0 != .general }
        let projects = (0..<40).map { "P\($0)" }
        let roster = (0..<2_000).map { number in
            let project = projects[Int(generator.next() % 40)]
            let zone: ServiceZone =
                generator.next() % 3 == 0 ? .building(project: project, building: "\(generator.next() % 5)") : .project(project)
            return Technician(
                id: String(format: "T%04d", number), skills: [skills[Int(generator.next() % UInt64(skills.count))]],
                zones: [zone], dailyCapacity: 2 + Int(generator.next() % 6))
        }
        var load: [String: TechnicianLoad] = [:]
        for technician in roster where generator.next() % 2 == 0 {
            load[technician.id] = TechnicianLoad(assignedToday: Int(generator.next() % 8))
        }
        let index = TechnicianIndex(roster)
        let policy = AssignmentPolicy()
        for number in 0..<200 {
            let request = AssignmentRequest(
                skill: skills[number % skills.count], project: projects[number % 40], building: "\(number % 5)",
                due: try instant("2026-11-23T10:00:00Z"))
            let expected = roster.filter {
                $0.skills.contains(request.skill) && $0.covers(project: request.project, building: request.building)
                    && (load[$0.id]?.assignedToday ?? 0) < $0.dailyCapacity
            }.min { AssignmentPolicy.ranksBefore(($0, load[$0.id] ?? TechnicianLoad()), ($1, load[$1.id] ?? TechnicianLoad())) }
            #expect(chosenID(policy.choose(for: request, among: index, load: load)) == expected?.id)
        }
    }
}

/// A small deterministic generator, so the large-roster test is reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
