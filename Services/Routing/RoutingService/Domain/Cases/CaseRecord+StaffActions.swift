import CareLoopContracts
import Foundation

extension CaseRecord {
    /// Applies a staff member's action and publishes its event (see ``StaffAction/eventType``); all or nothing.
    /// - Parameters:
    ///   - staff: the staff member's id, recorded as actor.
    ///   - routing: the rules, for categories, departments, work-order and validity rules.
    package mutating func perform(
        _ action: StaffAction, by staff: String, at instant: Date, rules: CaseRuleContext, routing: RoutingRules
    ) throws(StaffActionError) {
        let event = action.eventType
        let name = action.name
        switch action {
        case .acknowledge:
            try transition([.acknowledge], at: instant, rules: rules)
            assignee = staff
            publish(event, action: "acknowledged", at: instant, actor: staff, details: ["assignee": staff])
        case .start:
            try transition([.start], at: instant, rules: rules)
            publish(event, action: "started", at: instant, actor: staff)
        case .reassign(let department, let person, let reason):
            try requireOpen(name)
            if let department {
                guard department.isKnown else { throw StaffActionError.invalid(field: "department", message: "unknown department") }
                data.department = department
            }
            if let person { assignee = person }
            var facts = ["department": data.department.rawValue]
            if let assignee { facts["assignee"] = assignee }
            publish(event, action: "reassigned", at: instant, actor: staff, reason: reason, details: facts)
        case .changeCategory(let category, let reason):
            try requireOpen(name)
            guard let department = routing.department(ofCategory: category) else {
                throw StaffActionError.invalid(field: "category", message: "'\(category)' is not a category of rule set \(routing.classifier.ruleSet.version)")
            }
            let previous = data.category
            data.category = category
            data.department = department
            data.requiresWorkOrder = routing.workOrders.requiresWorkOrder(
                kind: data.kind, category: category, inspectionBatch: data.inspectionBatch)
            if validity?.decidedBy == .rule || validity == nil {
                validity = routing.validity.decide(kind: data.kind, category: category)
            }
            publish(
                event, action: "category_changed", at: instant, actor: staff, reason: reason,
                details: ["from": previous, "to": category, "department": department.rawValue])
        case .changeSeverity(let severity, let reason):
            try requireOpen(name)
            guard severity == .ordinary || severity == .major else {
                throw StaffActionError.invalid(field: "severity", message: "must be ordinary or major (group incidents open by rule)")
            }
            guard data.severity != .groupIncident else {
                throw StaffActionError.refused(
                    CaseActionRefused(state: state, action: name, description: "a group incident's severity cannot be changed"))
            }
            let previous = data.severity
            data.severity = severity
            publish(
                event, action: "severity_changed", at: instant, actor: staff, reason: reason,
                details: ["from": previous.rawValue, "to": severity.rawValue])
            if severity == .major, let first = rules.policy.escalationChain.step(above: 0) {
                escalate(to: first, at: instant, actor: staff, reason: "made major by staff: \(reason)", trigger: "staff")
            }
        case .waitOnOwner(let reason):
            try transition([.waitOnOwner], at: instant, rules: rules)
            publish(event, action: "waiting_on_owner", at: instant, actor: staff, reason: reason)
        case .resume:
            try transition([.resumeFromOwner], at: instant, rules: rules)
            publish(event, action: "resumed", at: instant, actor: staff)
        case .resolve(let reason):
            let path: [CaseTransition] = state == .acknowledged || state == .reopened ? [.start, .resolve] : [.resolve]
            try transition(path, at: instant, rules: rules)
            publish(event, action: "resolved", at: instant, actor: staff, reason: reason)
        case .close(let reason):
            try transition([.close(.staffOverride(reason: reason))], at: instant, rules: rules)
            publish(event, action: "closed_by_staff", at: instant, actor: staff, reason: reason)
        case .reopen(let reason):
            try transition([.reopen(reason: reason)], at: instant, rules: rules)
            publish(event, action: "reopened", at: instant, actor: staff, reason: reason)
        case .setValidity(let isValid, let reason):
            guard state != .merged else { throw .refused(CaseActionRefused(state: state, action: name)) }
            validity = .staffDecision(isValid: isValid, staffID: staff, reason: reason)
            publish(
                event, action: "validity_changed", at: instant, actor: staff, reason: reason,
                details: ["valid": isValid ? "true" : "false"])
        }
    }

    /// Refuses `action` on a closed or merged case.
    private func requireOpen(_ action: String) throws(StaffActionError) {
        guard state.isOpen else { throw .refused(CaseActionRefused(state: state, action: action)) }
    }

    /// ``apply(_:at:rules:)`` with its refusal as a ``StaffActionError``.
    private mutating func transition(_ transitions: [CaseTransition], at instant: Date, rules: CaseRuleContext) throws(StaffActionError) {
        do {
            try apply(transitions, at: instant, rules: rules)
        } catch {
            throw .refused(error)
        }
    }
}
