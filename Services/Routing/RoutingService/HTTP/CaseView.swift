import CareLoopContracts
import Foundation

/// `GET /v1/routing/cases/{id}` and the answer to every staff action: the case as its last event shows it, what
/// routing knows beyond the contract (state, clock, escalation, validity, audit), its routing timeline and its
/// escalations.
struct CaseView: Encodable {
    /// The data of the case's last event (the contract's fields plus CareLoop's additions).
    var `case`: CaseEventData
    var routing: Routing
    /// Every action on the case, oldest first: who (`actor`) and when, staff and system alike.
    var timeline: [Entry]
    var escalations: [Escalation]

    struct Routing: Encodable {
        var state: String
        var timeRule: String
        var escalationLevel: Int
        var assignee: String?
        var repairLead: String?
        var validity: Validity?
        var matchedRule: String?
        var classificationSource: String?
        var rulesVersion: String?
        var routedBy: String?
        var pausedSince: Timestamp?
        var deadlines: [Deadline]

        enum CodingKeys: String, CodingKey {
            case state, assignee, validity, deadlines
            case timeRule = "time_rule"
            case escalationLevel = "escalation_level"
            case repairLead = "repair_lead"
            case matchedRule = "matched_rule"
            case classificationSource = "classification_source"
            case rulesVersion = "rules_version"
            case routedBy = "routed_by"
            case pausedSince = "paused_since"
        }
    }

    struct Validity: Encodable {
        var valid: Bool
        var decidedBy: String
        var reason: String

        enum CodingKeys: String, CodingKey {
            case valid, reason
            case decidedBy = "decided_by"
        }
    }

    struct Deadline: Encodable {
        var deadline: String
        var warningAt: Timestamp
        var dueAt: Timestamp
        var metAt: Timestamp?
        var warningFired: Bool
        var breached: Bool

        enum CodingKeys: String, CodingKey {
            case deadline, breached
            case warningAt = "warning_at"
            case dueAt = "due_at"
            case metAt = "met_at"
            case warningFired = "warning_fired"
        }
    }

    struct Entry: Encodable {
        var at: Timestamp
        var actor: String
        var action: String
        var eventType: String?
        var eventID: String?
        var fromStatus: String?
        var toStatus: String?
        var details: [String: String]

        enum CodingKeys: String, CodingKey {
            case at, actor, action, details
            case eventType = "event_type"
            case eventID = "event_id"
            case fromStatus = "from_status"
            case toStatus = "to_status"
        }
    }

    struct Escalation: Encodable {
        var level: Int
        var role: String
        var at: Timestamp
        var actor: String
        var reason: String
        var trigger: String
    }

    /// The routing audit stored with the case at routing.
    struct Audit {
        var matchedRule: String?
        var classificationSource: String?
        var rulesVersion: String?
        var routedBy: String?
    }

    init(record: CaseRecord, audit: Audit, timeline: [Entry], escalations: [Escalation]) {
        self.case = record.data
        self.routing = Routing(
            state: record.state.rawValue, timeRule: record.timeRule.rawValue, escalationLevel: record.escalationLevel,
            assignee: record.assignee, repairLead: record.repairLead,
            validity: record.validity.map { Validity(valid: $0.isValid, decidedBy: $0.decidedBy.stored, reason: $0.reason) },
            matchedRule: audit.matchedRule, classificationSource: audit.classificationSource, rulesVersion: audit.rulesVersion,
            routedBy: audit.routedBy, pausedSince: record.clock.pausedSince.map { Timestamp($0) },
            deadlines: record.clock.targets.map { target in
                Deadline(
                    deadline: target.milestone.rawValue, warningAt: Timestamp(target.warningAt), dueAt: Timestamp(target.deadline),
                    metAt: target.metAt.map { Timestamp($0) }, warningFired: target.warningFired, breached: target.breachFired)
            })
        self.timeline = timeline
        self.escalations = escalations
    }
}
