/// An entry of the defect register: a recurring defect with its counts (from the repairs) and what staff decided.
package struct DefectRegisterEntry: Hashable, Sendable, Codable {
    /// The code, e.g. `SJ01`.
    package var code: String
    /// The warranty component.
    package var component: String
    /// The cause (first spelling seen; staff may edit it).
    package var cause: String
    /// What the defect is, e.g. "roof skylight leaks"; first the earliest report's title, then staff's words.
    package var description: String
    /// Households affected.
    package var householdsAffected: Int
    /// Projects affected.
    package var projects: [String]
    /// The earliest report.
    package var firstFound: LocalDate
    /// Risk and loss, staff's assessment.
    package var riskAndLoss: String?
    /// The decision taken.
    package var decision: String?
    /// The preventive measure fed back to design.
    package var preventiveMeasure: String?
    /// The department responsible for the measure.
    package var responsibleDepartment: String?

    package init(
        code: String, component: String, cause: String, description: String, householdsAffected: Int, projects: [String],
        firstFound: LocalDate, riskAndLoss: String? = nil, decision: String? = nil, preventiveMeasure: String? = nil,
        responsibleDepartment: String? = nil
    ) {
        self.code = code
        self.component = component
        self.cause = cause
        self.description = description
        self.householdsAffected = householdsAffected
        self.projects = projects
        self.firstFound = firstFound
        self.riskAndLoss = riskAndLoss
        self.decision = decision
        self.preventiveMeasure = preventiveMeasure
        self.responsibleDepartment = responsibleDepartment
    }

    enum CodingKeys: String, CodingKey {
        case code, component, cause, description, projects, decision
        case householdsAffected = "households_affected"
        case firstFound = "first_found"
        case riskAndLoss = "risk_and_loss"
        case preventiveMeasure = "preventive_measure"
        case responsibleDepartment = "responsible_department"
    }

    /// The CSV columns, in order.
    package static let csvHeader = [
        "code", "description", "cause", "component", "households_affected", "risk_and_loss", "projects", "first_found",
        "decision", "preventive_measure", "responsible_department",
    ]

    /// This entry's CSV row, matching ``csvHeader`` (projects joined with `; `).
    package var csvRow: [String] {
        [
            code, description, cause, component, String(householdsAffected), riskAndLoss ?? "", projects.joined(separator: "; "),
            firstFound.description, decision ?? "", preventiveMeasure ?? "", responsibleDepartment ?? "",
        ]
    }
}
