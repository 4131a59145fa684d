import CareLoopContracts

/// What a work order needs from whoever is sent.
package struct AssignmentRequest: Hashable, Sendable, Codable {
    /// The trade needed.
    package var skill: TechnicianSkill
    /// The project id.
    package var project: String
    /// The building, when known; technicians zoned to single buildings match only with it.
    package var building: String?
    /// When the work is due; technicians not free before it are not chosen.
    package var due: Timestamp
    /// Technicians or crews who already declined or were removed from this order.
    package var excluded: Set<String> = []

    /// Makes a request.
    package init(skill: TechnicianSkill, project: String, building: String?, due: Timestamp, excluded: Set<String> = []) {
        self.skill = skill
        self.project = project
        self.building = building
        self.due = due
        self.excluded = excluded
    }
}

/// A technician's workload today, supplied by the caller (from the repository).
package struct TechnicianLoad: Hashable, Sendable, Codable {
    /// Jobs already assigned today.
    package var assignedToday: Int
    /// When the technician is next free; `nil` means free now.
    package var freeFrom: Timestamp?

    /// Makes a load.
    package init(assignedToday: Int = 0, freeFrom: Timestamp? = nil) {
        self.assignedToday = assignedToday
        self.freeFrom = freeFrom
    }
}

/// Why a technician was chosen.
package struct AssignmentReason: Hashable, Sendable, Codable {
    /// Matched through the `general` skill rather than the trade itself.
    package var generalFallback: Bool
    /// Jobs today before this one.
    package var assignedToday: Int
    /// The technician's daily capacity.
    package var dailyCapacity: Int
    /// The crew must accept first: the order stays unassigned-in-effect until it does.
    package var awaitingAcceptance: Bool
    /// How many technicians were suitable.
    package var suitableCount: Int
}

/// How many technicians of one kind were ruled out, and why (each counted under the first reason that applies).
package struct AssignmentRejections: Hashable, Sendable, Codable {
    /// Excluded by the request (declined before).
    package var excluded = 0
    /// Without the skill (and without an allowed `general` fallback).
    package var lackingSkill = 0
    /// Not covering the project or building.
    package var outsideZone = 0
    /// No capacity left today.
    package var atCapacity = 0
    /// Not free before the due time.
    package var busyUntilAfterDue = 0

    /// Makes empty counts.
    package init() {}
}

/// The outcome of ``AssignmentPolicy/choose(for:among:load:)``.
package enum AssignmentDecision: Hashable, Sendable {
    /// Send this technician.
    case assigned(Technician, reason: AssignmentReason)
    /// Nobody fits: escalate to the dispatcher; the counts say what to fix (staff a zone, raise capacity, …).
    case nobodySuitable(reasons: [Technician.Kind: AssignmentRejections])
}

/// Chooses who repairs a work order: filter by skill, zone, capacity left and availability, then rank by load ratio,
/// earliest free time and id, so the same input always gives the same choice.
package struct AssignmentPolicy: Sendable, Hashable, Codable {
    /// Whether technicians with the `general` skill may take trades they lack when nobody has the trade.
    package var allowGeneralFallback: Bool = false

    /// Makes a policy.
    package init(allowGeneralFallback: Bool = false) {
        self.allowGeneralFallback = allowGeneralFallback
    }

    /// Chooses among the indexed technicians; `load` is keyed by technician id (missing means no load, free now).
    package func choose(
        for request: AssignmentRequest, among index: TechnicianIndex, load: [String: TechnicianLoad]
    ) -> AssignmentDecision {
        let specialists = index.candidates(skill: request.skill, project: request.project, building: request.building)
        if let best = best(of: specialists, for: request, load: load) {
            return assigned(best.technician, load: best.load, generalFallback: false, suitable: best.count)
        }
        if allowGeneralFallback, request.skill != .general {
            let generalists = index.candidates(skill: .general, project: request.project, building: request.building)
            if let best = best(of: generalists, for: request, load: load) {
                return assigned(best.technician, load: best.load, generalFallback: true, suitable: best.count)
            }
        }
        return .nobodySuitable(reasons: rejections(for: request, among: index.technicians, load: load))
    }

    /// Convenience for small rosters: indexes `technicians` and chooses.
    package func choose(
        for request: AssignmentRequest, among technicians: [Technician], load: [String: TechnicianLoad]
    ) -> AssignmentDecision {
        choose(for: request, among: TechnicianIndex(technicians), load: load)
    }

    private func assigned(_ technician: Technician, load: TechnicianLoad, generalFallback: Bool, suitable: Int)
        -> AssignmentDecision
    {
        .assigned(
            technician,
            reason: AssignmentReason(
                generalFallback: generalFallback, assignedToday: load.assignedToday,
                dailyCapacity: technician.dailyCapacity, awaitingAcceptance: technician.acceptanceRequired,
                suitableCount: suitable))
    }

    private func isAvailable(_ technician: Technician, _ load: TechnicianLoad, for request: AssignmentRequest) -> Bool {
        !request.excluded.contains(technician.id) && load.assignedToday < technician.dailyCapacity
            && (load.freeFrom.map { $0 < request.due } ?? true)
    }

    private func best(of candidates: [Technician], for request: AssignmentRequest, load: [String: TechnicianLoad])
        -> (technician: Technician, load: TechnicianLoad, count: Int)?
    {
        var best: (technician: Technician, load: TechnicianLoad)?
        var count = 0
        for technician in candidates {
            let current = load[technician.id] ?? TechnicianLoad()
            guard isAvailable(technician, current, for: request) else { continue }
            count += 1
            if let incumbent = best, !Self.ranksBefore((technician, current), incumbent) { continue }
            best = (technician, current)
        }
        return best.map { ($0.technician, $0.load, count) }
    }

    /// Lower load ratio first (compared exactly by cross-multiplying), then earlier free time (free now first),
    /// then smaller id.
    static func ranksBefore(_ lhs: (Technician, TechnicianLoad), _ rhs: (Technician, TechnicianLoad)) -> Bool {
        let left = lhs.1.assignedToday * rhs.0.dailyCapacity
        let right = rhs.1.assignedToday * lhs.0.dailyCapacity
        if left != right { return left < right }
        switch (lhs.1.freeFrom, rhs.1.freeFrom) {
        case (nil, .some): return true
        case (.some, nil): return false
        case (.some(let l), .some(let r)) where l != r: return l < r
        default: return lhs.0.id < rhs.0.id
        }
    }

    private func rejections(for request: AssignmentRequest, among technicians: [Technician], load: [String: TechnicianLoad])
        -> [Technician.Kind: AssignmentRejections]
    {
        var result: [Technician.Kind: AssignmentRejections] = [:]
        for technician in technicians {
            var counts = result[technician.kind] ?? AssignmentRejections()
            let current = load[technician.id] ?? TechnicianLoad()
            let hasSkill =
                technician.skills.contains(request.skill)
                || (allowGeneralFallback && technician.skills.contains(.general))
            if request.excluded.contains(technician.id) {
                counts.excluded += 1
            } else if !hasSkill {
                counts.lackingSkill += 1
            } else if !technician.covers(project: request.project, building: request.building) {
                counts.outsideZone += 1
            } else if current.assignedToday >= technician.dailyCapacity {
                counts.atCapacity += 1
            } else {
                counts.busyUntilAfterDue += 1
            }
            result[technician.kind] = counts
        }
        return result
    }
}
