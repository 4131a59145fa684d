import CareLoopContracts

/// An action a member of staff takes on a case over the staff API.
package enum StaffAction: Hashable, Sendable {
    /// Confirms the case is received and owned (meets the acknowledge milestone); the staff member becomes assignee.
    case acknowledge
    /// Work starts (meets the respond milestone).
    case start
    /// Hands the case to another department and/or person.
    case reassign(department: Department?, assignee: String?, reason: String?)
    /// Corrects the category (the department follows it); reason required.
    case changeCategory(category: String, reason: String)
    /// Sets the severity to `ordinary` or `major`; reason required. Raising it to major escalates at once.
    case changeSeverity(severity: Severity, reason: String)
    /// Work waits on the owner; the SLA clock pauses.
    case waitOnOwner(reason: String?)
    /// The owner answered; the clock resumes with its deadlines shifted.
    case resume
    /// The issue is resolved (not closed: the call-back closes it).
    case resolve(reason: String?)
    /// Closes a resolved case without a call-back; reason required (staff override).
    case close(reason: String)
    /// Opens a resolved or closed case again; reason required.
    case reopen(reason: String)
    /// Marks the complaint valid or invalid (有效投诉) for the KPIs, overriding the rule.
    case setValidity(isValid: Bool, reason: String)

    /// The action's name in paths, timelines and problems, e.g. `change_category`.
    package var name: String {
        switch self {
        case .acknowledge: "acknowledge"
        case .start: "start"
        case .reassign: "reassign"
        case .changeCategory: "change_category"
        case .changeSeverity: "change_severity"
        case .waitOnOwner: "wait_on_owner"
        case .resume: "resume"
        case .resolve: "resolve"
        case .close: "close"
        case .reopen: "reopen"
        case .setValidity: "set_validity"
        }
    }

    /// The case event the action publishes.
    package var eventType: EventType {
        switch self {
        case .acknowledge, .start, .reassign, .waitOnOwner, .resume: .caseAssigned
        case .changeCategory, .changeSeverity, .setValidity: .caseRouted
        case .resolve: .caseResolved
        case .close: .caseClosed
        case .reopen: .caseReopened
        }
    }
}

/// Why a staff action was not applied: the case's state does not allow it (409), or a value is unusable (400).
package enum StaffActionError: Error, Hashable, Sendable {
    /// The state does not allow the action.
    case refused(CaseActionRefused)
    /// A value of the request is unusable: which field and why.
    case invalid(field: String, message: String)
}
