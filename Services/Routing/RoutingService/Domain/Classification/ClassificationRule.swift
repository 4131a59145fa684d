import CareLoopContracts

/// One keyword rule of the classification rule set: which words point at which category and department.
package struct ClassificationRule: Codable, Hashable, Sendable {
    /// Stable id recorded on every case it classified (audit), e.g. `eng-leakage`.
    package var id: String
    /// Dotted category, e.g. `engineering.leakage`.
    package var category: String
    /// The department owning cases of this category.
    package var department: Department
    /// Breaks ties between rules of equal score: higher wins.
    package var priority: Int
    /// Multiplies the rule's score (1 is neutral).
    package var weight: Double
    /// Words and phrases, Chinese or English, matched over title and description.
    package var keywords: [String]
    /// Words that disqualify the rule when present (e.g. `window` for a door rule's `frame`).
    package var negativeKeywords: [String]

    /// Makes a rule.
    package init(
        id: String, category: String, department: Department, priority: Int = 0, weight: Double = 1,
        keywords: [String], negativeKeywords: [String] = []
    ) {
        self.id = id
        self.category = category
        self.department = department
        self.priority = priority
        self.weight = weight
        self.keywords = keywords
        self.negativeKeywords = negativeKeywords
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        category = try container.decode(String.self, forKey: .category)
        department = try container.decode(Department.self, forKey: .department)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        weight = try container.decodeIfPresent(Double.self, forKey: .weight) ?? 1
        keywords = try container.decode([String].self, forKey: .keywords)
        negativeKeywords = try container.decodeIfPresent([String].self, forKey: .negativeKeywords) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case id, category, department, priority, weight, keywords
        case negativeKeywords = "negative_keywords"
    }
}

/// A versioned, validated set of classification rules (`rules/classification.v1.json`).
package struct ClassificationRuleSet: Codable, Hashable, Sendable {
    /// The rule set's version, recorded with each classification for audit.
    package var version: String
    /// The rules, in file order (earlier wins the last tie).
    package var rules: [ClassificationRule]

    /// Makes a rule set; call `validate()` (or use `Classifier.init(ruleSet:)`) before trusting it.
    package init(version: String, rules: [ClassificationRule]) {
        self.version = version
        self.rules = rules
    }

    /// Every category some rule assigns; a category hint is valid only when it is one of these.
    package var categories: Set<String> { Set(rules.map(\.category)) }

    /// Every problem of the rule set, empty when it is usable: blank version, no rules, duplicate or blank ids,
    /// malformed categories, unknown departments, no (or blank) keywords, weights not above zero.
    package func validate() -> [ClassificationRuleSetError] {
        var errors: [ClassificationRuleSetError] = []
        if version.isBlankForRules { errors.append(.init(ruleID: nil, problem: "version is blank")) }
        if rules.isEmpty { errors.append(.init(ruleID: nil, problem: "the rule set has no rules")) }
        var seen: Set<String> = []
        for rule in rules {
            if rule.id.isBlankForRules {
                errors.append(.init(ruleID: rule.id, problem: "id is blank"))
            } else if !seen.insert(rule.id).inserted {
                errors.append(.init(ruleID: rule.id, problem: "id is used by more than one rule"))
            }
            let parts = rule.category.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count < 2 || parts.contains(where: \.isEmpty) {
                errors.append(.init(ruleID: rule.id, problem: "category '\(rule.category)' is not dotted like 'engineering.leakage'"))
            }
            if !Department.known.contains(rule.department) {
                errors.append(.init(ruleID: rule.id, problem: "department '\(rule.department.rawValue)' is unknown"))
            }
            if rule.keywords.isEmpty || rule.keywords.contains(where: { $0.isBlankForRules }) {
                errors.append(.init(ruleID: rule.id, problem: "keywords must be non-empty and contain no blank entry"))
            }
            if rule.negativeKeywords.contains(where: { $0.isBlankForRules }) {
                errors.append(.init(ruleID: rule.id, problem: "negative_keywords contain a blank entry"))
            }
            if !(rule.weight > 0) {
                errors.append(.init(ruleID: rule.id, problem: "weight must be above zero"))
            }
        }
        return errors
    }
}

/// One problem found while validating a rule set: which rule (when one) and what to fix.
package struct ClassificationRuleSetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending rule's id, `nil` for problems of the whole set.
    package var ruleID: String?
    /// What is wrong, in words an editor of the rules file can act on.
    package var problem: String

    package var description: String {
        if let ruleID { "rule '\(ruleID)': \(problem)" } else { problem }
    }
}

/// The rule set could not be used: every problem found.
package struct InvalidClassificationRuleSet: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every problem of the rule set.
    package var errors: [ClassificationRuleSetError]

    package var description: String {
        "invalid classification rule set: " + errors.map(\.description).joined(separator: "; ")
    }
}

extension String {
    /// True when the text is empty or only whitespace.
    fileprivate var isBlankForRules: Bool { allSatisfy(\.isWhitespace) }
}
