import CareLoopContracts

/// Whether a complaint counts as valid (有效投诉) for the monthly KPIs, and who decided.
package struct ComplaintValidity: Hashable, Sendable {
    /// Who decided validity.
    package enum DecidedBy: Hashable, Sendable {
        /// `ComplaintValidityRules`.
        case rule
        /// A member of staff (their id), overriding the rule.
        case staff(String)
    }

    /// Whether the complaint is valid.
    package var isValid: Bool
    /// Who decided.
    package var decidedBy: DecidedBy
    /// Why, in words for the audit trail.
    package var reason: String

    /// Makes a decision.
    package init(isValid: Bool, decidedBy: DecidedBy, reason: String) {
        self.isValid = isValid
        self.decidedBy = decidedBy
        self.reason = reason
    }

    /// Staff's override of any decision; keeps the staff id and reason for audit.
    package static func staffDecision(isValid: Bool, staffID: String, reason: String) -> ComplaintValidity {
        ComplaintValidity(isValid: isValid, decidedBy: .staff(staffID), reason: reason)
    }
}

/// The default validity rule: a complaint is valid when its category says a failure or lapse of ours hurt the
/// owner (engineering, planning and design, sales, property or customer service); `other.external` and every
/// voice that is not a complaint (repair, inquiry, suggestion, praise) are recorded but invalid.
package struct ComplaintValidityRules: Hashable, Sendable {
    /// Category prefixes whose complaints are our failure.
    package var validCategoryPrefixes: [String] = [
        "engineering.", "planning_design.", "sales.", "property.", "customer_service.",
    ]
    /// Categories that are never valid even when a prefix matches (checked first).
    package var invalidCategories: Set<String> = ["other.external"]

    /// Rules with the defaults above.
    package init() {}

    /// The rule's decision for a voice of `kind` in `category`.
    package func decide(kind: VoiceKind, category: String) -> ComplaintValidity {
        guard kind == .complaint else {
            return ComplaintValidity(isValid: false, decidedBy: .rule, reason: "not a complaint (\(kind.rawValue))")
        }
        if invalidCategories.contains(category) {
            return ComplaintValidity(isValid: false, decidedBy: .rule, reason: "category \(category) is not our lapse")
        }
        if validCategoryPrefixes.contains(where: { category.hasPrefix($0) }) {
            return ComplaintValidity(isValid: true, decidedBy: .rule, reason: "category \(category) is our lapse")
        }
        return ComplaintValidity(isValid: false, decidedBy: .rule, reason: "category \(category) is not our lapse")
    }
}
