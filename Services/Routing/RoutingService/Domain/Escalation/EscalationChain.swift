import Foundation

/// The levels a case climbs when it escalates: level 1 is the first role, e.g. team lead → project manager →
/// city customer-relations lead → group. Configurable per city and project.
package struct EscalationChain: Hashable, Sendable {
    /// The roles, lowest level first; at least one and at most 10 (the contract's `escalation_level` range).
    package let roles: [String]

    /// CareLoop's default chain (domain.md): team lead, project manager, city customer-relations lead, group.
    package static let standard = EscalationChain(uncheckedRoles: [
        "team_lead", "project_manager", "city_customer_relations_lead", "group",
    ])

    /// A chain of `roles`; `nil` when there are none, more than 10, or a blank or repeated role.
    package init?(roles: [String]) {
        let trimmed = roles.map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...10).contains(trimmed.count), !trimmed.contains(where: \.isEmpty), Set(trimmed).count == trimmed.count
        else { return nil }
        self.roles = trimmed
    }

    private init(uncheckedRoles: [String]) {
        self.roles = uncheckedRoles
    }

    /// The highest level (the last role).
    package var topLevel: Int { roles.count }

    /// The role at `level` (1-based), `nil` outside the chain.
    package func role(at level: Int) -> String? {
        roles.indices.contains(level - 1) ? roles[level - 1] : nil
    }

    /// The step one level above `level`, `nil` at the top.
    package func step(above level: Int) -> EscalationStep? {
        let next = max(level, 0) + 1
        return role(at: next).map { EscalationStep(level: next, role: $0) }
    }

    /// The top step.
    package var top: EscalationStep {
        EscalationStep(level: topLevel, role: roles[roles.count - 1])
    }
}

/// One level of an escalation chain.
package struct EscalationStep: Hashable, Sendable {
    /// 1-based level.
    package var level: Int
    /// Who is alerted at this level, e.g. `project_manager`.
    package var role: String
}
