import CareLoopContracts
import Foundation

/// The JSON form of `routing.policyFile`: time-rule limits, work-order rules, the kinds that count towards group
/// incidents, and per city and per project overrides of the group-incident thresholds, the commander and the
/// escalation chain. Every member is optional; what is missing keeps its default.
///
/// ```json
/// {
///   "timeRules": {"113": {"acknowledge": "1h", "respond": "1d", "resolve": "3d", "warningShare": 0.8}},
///   "workOrders": {"kinds": ["repair"], "inspectionDefects": true, "complaintCategoryPrefixes": ["engineering."]},
///   "groupIncidentKinds": ["complaint", "repair"],
///   "cities": {"shenzhen": {"escalationChain": ["team_lead", "project_manager", "city_customer_relations_lead", "group"]}},
///   "projects": {"SZ-FSG": {"groupIncident": {"distinctOwners": 3, "windowHours": 24}, "commander": "OWN-ops-lead"}}
/// }
/// ```
/// Limits are `<n>s`, `<n>m`, `<n>h` of business time or `<n>d` business days.
struct RoutingPolicyFile: Decodable {
    struct TimeRuleLimits: Decodable {
        var acknowledge: String
        var respond: String
        var resolve: String
        var warningShare: Double?
    }

    struct WorkOrders: Decodable {
        var kinds: [String]?
        var inspectionDefects: Bool?
        var complaintCategoryPrefixes: [String]?
    }

    struct GroupIncident: Decodable {
        var distinctOwners: Int
        var windowHours: Double
    }

    struct Scope: Decodable {
        var groupIncident: GroupIncident?
        var commander: String?
        var escalationChain: [String]?
    }

    var timeRules: [String: TimeRuleLimits]?
    var workOrders: WorkOrders?
    var groupIncidentKinds: [String]?
    var cities: [String: Scope]?
    var projects: [String: Scope]?

    /// Puts the file's settings over `rules`; throws a message naming the first unusable member.
    func apply(to rules: inout RoutingRules) throws(PolicyFileError) {
        for (name, limits) in timeRules ?? [:] {
            guard let rule = TimeRule(rawValue: name) else { throw PolicyFileError("timeRules.\(name): unknown time rule; use 113 or 137") }
            var parsed: [SLAPolicy.Limit] = []
            for (field, text) in [("acknowledge", limits.acknowledge), ("respond", limits.respond), ("resolve", limits.resolve)] {
                guard let limit = SLAPolicy.Limit(text: text) else {
                    throw PolicyFileError("timeRules.\(name).\(field): '\(text)' is not a limit like 45s, 20m, 1h or 3d")
                }
                parsed.append(limit)
            }
            let share = limits.warningShare ?? 0.8
            guard share > 0, share < 1 else { throw PolicyFileError("timeRules.\(name).warningShare: must be between 0 and 1") }
            rules.policies[rule] = SLAPolicy(name: name, acknowledge: parsed[0], respond: parsed[1], resolve: parsed[2], warningShare: share)
        }
        if let workOrders {
            if let kinds = workOrders.kinds { rules.workOrders.kinds = Set(try Self.kinds(kinds, field: "workOrders.kinds")) }
            if let flag = workOrders.inspectionDefects { rules.workOrders.inspectionDefects = flag }
            if let prefixes = workOrders.complaintCategoryPrefixes { rules.workOrders.complaintCategoryPrefixes = prefixes }
        }
        if let kinds = groupIncidentKinds { rules.groupIncidentKinds = Set(try Self.kinds(kinds, field: "groupIncidentKinds")) }
        for (city, scope) in cities ?? [:] {
            rules.casePolicies.cities[city] = try scope.override(field: "cities.\(city)")
        }
        for (project, scope) in projects ?? [:] {
            rules.casePolicies.projects[project] = try scope.override(field: "projects.\(project)")
        }
    }

    private static func kinds(_ names: [String], field: String) throws(PolicyFileError) -> [VoiceKind] {
        let kinds = names.map(VoiceKind.init(rawValue:))
        if let unknown = kinds.first(where: { !$0.isKnown }) {
            throw PolicyFileError("\(field): unknown kind '\(unknown.rawValue)'")
        }
        return kinds
    }
}

extension RoutingPolicyFile.Scope {
    fileprivate func override(field: String) throws(PolicyFileError) -> CasePolicyOverride {
        var result = CasePolicyOverride()
        if let group = groupIncident {
            guard group.distinctOwners >= 2 else { throw PolicyFileError("\(field).groupIncident.distinctOwners: at least 2") }
            guard group.windowHours > 0 else { throw PolicyFileError("\(field).groupIncident.windowHours: above 0") }
            result.groupIncident = GroupIncidentThresholds(distinctOwners: group.distinctOwners, window: .seconds(group.windowHours * 3600))
        }
        if let commander {
            guard !commander.trimmingCharacters(in: .whitespaces).isEmpty else { throw PolicyFileError("\(field).commander: blank") }
            result.commander = commander
        }
        if let roles = escalationChain {
            guard let chain = EscalationChain(roles: roles) else {
                throw PolicyFileError("\(field).escalationChain: 1 to 10 distinct, non-blank roles")
            }
            result.escalationChain = chain
        }
        return result
    }
}

/// What is wrong with the policy file, naming the member.
struct PolicyFileError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
