import CareLoopContracts

/// One work order to place on the board.
package struct DispatchRequest: Hashable, Sendable {
    /// The work order.
    package var workOrderID: String
    /// Trade needed.
    package var skill: TechnicianSkill
    /// Project id.
    package var project: String
    /// Building, when known.
    package var building: String?
    /// The contact deadline; earlier ones are placed first within a group.
    package var due: Timestamp
    /// Technicians who declined, timed out or were removed from this order.
    package var excluded: Set<String>

    /// Makes a request.
    package init(
        workOrderID: String, skill: TechnicianSkill, project: String, building: String?, due: Timestamp, excluded: Set<String> = []
    ) {
        self.workOrderID = workOrderID
        self.skill = skill
        self.project = project
        self.building = building
        self.due = due
        self.excluded = excluded
    }

    /// Orders with the same project, building and trade are planned together: one crew works a building's
    /// defects of its trade on one day as far as its capacity goes.
    package var group: DispatchGroup { DispatchGroup(project: project, building: building, skill: skill) }

    var assignmentRequest: AssignmentRequest {
        AssignmentRequest(skill: skill, project: project, building: building, due: due, excluded: excluded)
    }
}

/// A delivery wave's unit of planning: one project's building and trade.
package struct DispatchGroup: Hashable, Sendable, Codable, CustomStringConvertible {
    package var project: String
    package var building: String?
    package var skill: TechnicianSkill

    /// `<building or ->/<skill>`, stored on the work order for the backlog report.
    package var description: String { "\(building ?? "-")/\(skill.rawValue)" }
}

/// Where the board put a work order.
package enum DispatchOutcome: Hashable, Sendable {
    /// Sent to `technician` for `day`; a crew with `awaitingAcceptance` must accept first.
    case planned(technician: Technician, day: LocalDate, generalFallback: Bool, awaitingAcceptance: Bool)
    /// Nobody can take it within the planning horizon; the counts say why (on the first day).
    case nobodySuitable(reasons: [Technician.Kind: AssignmentRejections])
}

/// A work order's place on the board.
package struct DispatchPlan: Hashable, Sendable {
    package var workOrderID: String
    package var group: DispatchGroup
    package var outcome: DispatchOutcome
}

/// The dispatcher's board: who can be sent where (an indexed roster) and how many open orders each technician has
/// planned per day. Places single orders and whole delivery waves with ``AssignmentPolicy``.
///
/// Load is "open orders planned for that day" (orders overdue from earlier days count on the first day); a
/// technician at `dailyCapacity` on a day gets nothing more that day, so a wave spills over to later days, up to
/// `horizonDays`. Orders of one ``DispatchGroup`` stick to the crew already working that group on a day while it
/// has capacity, so a building's defects of one trade come in batches per crew and day.
package struct DispatchBoard: Sendable {
    /// The indexed roster (active technicians only).
    package private(set) var index: TechnicianIndex
    /// The ranking and filtering rules.
    package var policy: AssignmentPolicy
    /// How many days, today included, a plan may reach.
    package var horizonDays: Int
    private var byID: [String: Technician]
    private var load: [LocalDate: [String: TechnicianLoad]] = [:]
    private var affinity: [GroupDay: String] = [:]

    private struct GroupDay: Hashable {
        var group: DispatchGroup
        var day: LocalDate
    }

    /// A board with `technicians` and no load.
    package init(technicians: [Technician], policy: AssignmentPolicy = AssignmentPolicy(), horizonDays: Int = 14) {
        index = TechnicianIndex(technicians)
        byID = Dictionary(technicians.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.policy = policy
        self.horizonDays = max(1, horizonDays)
    }

    /// The technician with `id`, if on the roster.
    package func technician(_ id: String) -> Technician? { byID[id] }

    /// Open orders `technicianID` has planned on `day`.
    package func load(of technicianID: String, on day: LocalDate) -> Int {
        load[day]?[technicianID]?.assignedToday ?? 0
    }

    /// Counts one more open order for `technicianID` on `day` (e.g. loaded from storage).
    package mutating func add(technicianID: String, day: LocalDate, count: Int = 1) {
        load[day, default: [:]][technicianID, default: TechnicianLoad()].assignedToday += count
    }

    /// Counts one order less, when it is completed, cancelled or moved.
    package mutating func release(technicianID: String, day: LocalDate) {
        guard let current = load[day]?[technicianID], current.assignedToday > 0 else { return }
        load[day]?[technicianID]?.assignedToday = current.assignedToday - 1
    }

    /// Places `requests` from `today` on, group by group (in order of first appearance, each group's orders by
    /// contact deadline), and counts them on the board. Every request gets exactly one plan, in request order.
    package mutating func place(_ requests: [DispatchRequest], today: LocalDate) -> [DispatchPlan] {
        var groups: [DispatchGroup: [DispatchRequest]] = [:]
        var order: [DispatchGroup] = []
        for request in requests {
            if groups[request.group] == nil { order.append(request.group) }
            groups[request.group, default: []].append(request)
        }
        var plans: [String: DispatchPlan] = [:]
        for group in order {
            let members = groups[group]!.sorted { ($0.due, $0.workOrderID) < ($1.due, $1.workOrderID) }
            for plan in place(group: group, members, today: today) { plans[plan.workOrderID] = plan }
        }
        return requests.map { plans[$0.workOrderID]! }
    }

    /// Places one `request` with `preferred` first: the technician gets it on the first day within the horizon with
    /// room when they are still on the (active) roster, not excluded, cover the place and have the trade (or
    /// `general` where the policy allows it); otherwise the order is placed as usual. Used to send a reopened order
    /// back to the technician who did the work.
    package mutating func place(_ request: DispatchRequest, preferring preferred: String?, today: LocalDate) -> DispatchPlan {
        if let preferred, let technician = byID[preferred], !request.excluded.contains(preferred),
            technician.covers(project: request.project, building: request.building),
            technician.skills.contains(request.skill) || (policy.allowGeneralFallback && technician.skills.contains(.general))
        {
            for offset in 0..<horizonDays {
                let day = today.adding(days: offset)
                guard hasRoom(technician, on: day) else { continue }
                add(technicianID: technician.id, day: day)
                return DispatchPlan(
                    workOrderID: request.workOrderID, group: request.group,
                    outcome: .planned(
                        technician: technician, day: day, generalFallback: !technician.skills.contains(request.skill),
                        awaitingAcceptance: technician.acceptanceRequired))
            }
        }
        return place([request], today: today)[0]
    }

    private mutating func place(group: DispatchGroup, _ members: [DispatchRequest], today: LocalDate) -> [DispatchPlan] {
        var pending = members
        var plans: [DispatchPlan] = []
        var dayOffset = 0
        while let first = pending.first, dayOffset < horizonDays {
            let day = today.adding(days: dayOffset)
            guard let (technician, generalFallback) = choose(for: first, group: group, on: day) else {
                dayOffset += 1
                continue
            }
            var free = technician.dailyCapacity - load(of: technician.id, on: day)
            var remaining: [DispatchRequest] = []
            for request in pending {
                guard free > 0, !request.excluded.contains(technician.id) else {
                    remaining.append(request)
                    continue
                }
                free -= 1
                add(technicianID: technician.id, day: day)
                plans.append(
                    DispatchPlan(
                        workOrderID: request.workOrderID, group: group,
                        outcome: .planned(
                            technician: technician, day: day, generalFallback: generalFallback,
                            awaitingAcceptance: technician.acceptanceRequired)))
            }
            affinity[GroupDay(group: group, day: day)] = technician.id
            pending = remaining
        }
        if let first = pending.first {
            let reasons: [Technician.Kind: AssignmentRejections]
            if case .nobodySuitable(let found) = policy.choose(
                for: first.assignmentRequest, among: index, load: load[today] ?? [:])
            {
                reasons = found
            } else {
                reasons = [:]  // capacity only appears after the horizon: nothing to count
            }
            plans += pending.map { DispatchPlan(workOrderID: $0.workOrderID, group: group, outcome: .nobodySuitable(reasons: reasons)) }
        }
        return plans
    }

    /// The technician for `request` on `day`: the group's crew of that day while it has room, else the policy's
    /// choice; `nil` when nobody suitable has room that day.
    private func choose(for request: DispatchRequest, group: DispatchGroup, on day: LocalDate) -> (Technician, Bool)? {
        if let id = affinity[GroupDay(group: group, day: day)], let technician = byID[id], hasRoom(technician, on: day),
            !request.excluded.contains(id)
        {
            return (technician, !technician.skills.contains(request.skill))
        }
        guard anyCandidateHasRoom(for: request, on: day) else { return nil }
        guard case .assigned(let technician, let reason) = policy.choose(
            for: request.assignmentRequest, among: index, load: load[day] ?? [:])
        else { return nil }
        return (technician, reason.generalFallback)
    }

    private func hasRoom(_ technician: Technician, on day: LocalDate) -> Bool {
        load(of: technician.id, on: day) < technician.dailyCapacity
    }

    /// A cheap check over the candidates only, so full days are skipped without the policy's full roster scan.
    private func anyCandidateHasRoom(for request: DispatchRequest, on day: LocalDate) -> Bool {
        var skills = [request.skill]
        if policy.allowGeneralFallback, request.skill != .general { skills.append(.general) }
        return skills.contains { skill in
            index.candidates(skill: skill, project: request.project, building: request.building).contains {
                !request.excluded.contains($0.id) && hasRoom($0, on: day)
            }
        }
    }
}
