import CareLoopContracts

/// The outcome of classifying one report: category, department, and why (for audit).
package struct Classification: Hashable, Sendable {
    /// Where a classification came from.
    package enum Source: String, Hashable, Sendable, Codable {
        /// The submission's category hint, which the rule set knows.
        case hint
        /// The best-scoring keyword rule.
        case rule
        /// Nothing matched: customer service triages it by hand.
        case manualTriage = "manual_triage"
    }

    /// Dotted category, e.g. `engineering.leakage`, or `customer_service.triage`.
    package var category: String
    /// The department owning the result.
    package var department: Department
    /// The rule that decided (or, for a hint, the rule whose category the hint named); `nil` for manual triage.
    package var matchedRuleID: String?
    /// Where the classification came from.
    package var source: Source
    /// The winning rule's score; 0 for hints and manual triage.
    package var score: Double
    /// The rule set's version, for audit.
    package var ruleSetVersion: String
}

/// Classifies owner reports by a validated `ClassificationRuleSet`; pure and deterministic.
///
/// Matching runs over title and description together: English terms (all-ASCII) case-insensitively and only where a
/// word starts (`leak` matches "leaking", `ant` does not match "want"); Chinese terms as plain substrings. Each distinct
/// matched keyword scores 1, plus 1 more when it appears in the title; the sum is multiplied by the rule's weight. A
/// rule with a negative keyword present scores nothing. Ties go to the higher priority, then to the earlier rule.
package struct Classifier: Sendable {
    /// The category of reports no rule matched.
    package static let triageCategory = "customer_service.triage"

    /// The rules in use.
    package let ruleSet: ClassificationRuleSet
    private let lowercasedRules: [(rule: ClassificationRule, keywords: [Term], negatives: [Term])]

    /// Makes a classifier; throws `InvalidClassificationRuleSet` listing every problem when the set is not valid.
    package init(ruleSet: ClassificationRuleSet) throws(InvalidClassificationRuleSet) {
        let errors = ruleSet.validate()
        guard errors.isEmpty else { throw InvalidClassificationRuleSet(errors: errors) }
        self.ruleSet = ruleSet
        self.lowercasedRules = ruleSet.rules.map { rule in
            (
                rule, Array(Set(rule.keywords.map { $0.lowercased() })).sorted().map(Term.init),
                rule.negativeKeywords.map { Term($0.lowercased()) }
            )
        }
    }

    /// Classifies a report: a known `categoryHint` wins, else the best rule, else manual triage (never dropped).
    package func classify(title: String, description: String, categoryHint: String? = nil) -> Classification {
        if let hint = categoryHint?.lowercased(), let rule = ruleSet.rules.first(where: { $0.category == hint }) {
            return Classification(
                category: rule.category, department: rule.department, matchedRuleID: rule.id, source: .hint, score: 0,
                ruleSetVersion: ruleSet.version)
        }
        let loweredTitle = Array(title.lowercased().utf8)
        let loweredText = loweredTitle + Array("\n".utf8) + Array(description.lowercased().utf8)
        var best: (rule: ClassificationRule, score: Double)?
        for (rule, keywords, negatives) in lowercasedRules {
            if negatives.contains(where: { $0.occurs(in: loweredText) }) { continue }
            var points = 0.0
            for keyword in keywords where keyword.occurs(in: loweredText) {
                points += keyword.occurs(in: loweredTitle) ? 2 : 1
            }
            let score = points * rule.weight
            guard score > 0 else { continue }
            if let current = best {
                if score > current.score || (score == current.score && rule.priority > current.rule.priority) {
                    best = (rule, score)
                }
            } else {
                best = (rule, score)
            }
        }
        if let best {
            return Classification(
                category: best.rule.category, department: best.rule.department, matchedRuleID: best.rule.id,
                source: .rule, score: best.score, ruleSetVersion: ruleSet.version)
        }
        return Classification(
            category: Self.triageCategory, department: .customerService, matchedRuleID: nil, source: .manualTriage,
            score: 0, ruleSetVersion: ruleSet.version)
    }

    /// A lowercased keyword as UTF-8 bytes, matched by a byte search: all-ASCII terms only where a word starts (the
    /// byte before is not an ASCII letter or digit), others anywhere. Searching bytes instead of `Character`s is
    /// what makes classification cheap (tens of microseconds for a rule set of ~800 terms); for the NFC text owners
    /// and rule authors write, it finds exactly the matches a `Character` search would.
    struct Term: Sendable {
        let bytes: [UInt8]
        let atWordStart: Bool

        init(_ term: String) {
            bytes = Array(term.utf8)
            atWordStart = bytes.allSatisfy { $0 < 0x80 }
        }

        /// Whether the term occurs in `text` (lowercased UTF-8).
        func occurs(in text: [UInt8]) -> Bool {
            let needle = bytes.count
            guard needle > 0 else { return true }
            guard needle <= text.count else { return false }
            return text.withUnsafeBufferPointer { haystack in
                bytes.withUnsafeBufferPointer { term in
                    let first = term[0]
                    var index = 0
                    let last = haystack.count - needle
                    while index <= last {
                        if haystack[index] == first {
                            var offset = 1
                            while offset < needle && haystack[index + offset] == term[offset] { offset += 1 }
                            if offset == needle && (!atWordStart || index == 0 || !Self.isWordByte(haystack[index - 1])) {
                                return true
                            }
                        }
                        index += 1
                    }
                    return false
                }
            }
        }

        /// An ASCII letter or digit (a byte of a multi-byte character never is).
        private static func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
        }
    }
}
