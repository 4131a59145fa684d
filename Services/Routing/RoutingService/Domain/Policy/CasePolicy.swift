/// The thresholds and people that apply to the cases of one city and project: when a group incident opens, who
/// commands it, and the escalation chain.
package struct CasePolicy: Hashable, Sendable {
    /// When a group incident opens (default 5 distinct owners within 72 hours).
    package var groupIncident: GroupIncidentThresholds
    /// The single commander named for a group incident (one command line).
    package var commander: String
    /// The escalation chain.
    package var escalationChain: EscalationChain

    /// A policy with every part given.
    package init(
        groupIncident: GroupIncidentThresholds = .init(), commander: String = "customer_relations_lead",
        escalationChain: EscalationChain = .standard
    ) {
        self.groupIncident = groupIncident
        self.commander = commander
        self.escalationChain = escalationChain
    }
}

/// Part of a ``CasePolicy`` set for one city or project; what is `nil` comes from the wider scope.
package struct CasePolicyOverride: Hashable, Sendable {
    package var groupIncident: GroupIncidentThresholds?
    package var commander: String?
    package var escalationChain: EscalationChain?

    /// An override of the given parts.
    package init(groupIncident: GroupIncidentThresholds? = nil, commander: String? = nil, escalationChain: EscalationChain? = nil) {
        self.groupIncident = groupIncident
        self.commander = commander
        self.escalationChain = escalationChain
    }

    /// `policy` with this override's parts put over it.
    func applied(to policy: CasePolicy) -> CasePolicy {
        var result = policy
        if let groupIncident { result.groupIncident = groupIncident }
        if let commander { result.commander = commander }
        if let escalationChain { result.escalationChain = escalationChain }
        return result
    }
}

/// Case policies by scope: a project's override wins over its city's, which wins over the defaults.
package struct RoutingPolicies: Hashable, Sendable {
    /// What applies where nothing narrower is configured.
    package var defaults: CasePolicy
    /// Overrides per city code.
    package var cities: [String: CasePolicyOverride]
    /// Overrides per project code.
    package var projects: [String: CasePolicyOverride]

    /// Policies with the given scopes.
    package init(defaults: CasePolicy = .init(), cities: [String: CasePolicyOverride] = [:], projects: [String: CasePolicyOverride] = [:]) {
        self.defaults = defaults
        self.cities = cities
        self.projects = projects
    }

    /// The policy for a case of `project` in `city`.
    package func policy(city: String, project: String) -> CasePolicy {
        var policy = defaults
        if let city = cities[city] { policy = city.applied(to: policy) }
        if let project = projects[project] { policy = project.applied(to: policy) }
        return policy
    }
}
