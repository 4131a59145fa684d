/// One repaired defect with a known cause: the raw material of the defect register.
package struct DefectOccurrence: Hashable, Sendable {
    /// The work order that repaired it.
    package var workOrderID: String
    /// The warranty component (`waterproofing`, `decoration`, …).
    package var component: String
    /// The cause as the technician wrote it.
    package var cause: String
    /// The project.
    package var project: String
    /// The household: `project/building/unit` (the case id when the unit is unknown).
    package var household: String
    /// The day the defect was reported.
    package var foundOn: LocalDate
    /// What the owner or inspector called it, for the entry's first description.
    package var title: String?

    /// Makes an occurrence.
    package init(
        workOrderID: String, component: String, cause: String, project: String, household: String, foundOn: LocalDate,
        title: String? = nil
    ) {
        self.workOrderID = workOrderID
        self.component = component
        self.cause = cause
        self.project = project
        self.household = household
        self.foundOn = foundOn
        self.title = title
    }

    /// The register key: component and normalised cause.
    package var key: DefectKey { DefectKey(component: component, cause: DefectRegister.causeKey(cause)) }
}

/// What makes defects "the same": the component and the normalised cause.
package struct DefectKey: Hashable, Sendable, Comparable, Codable {
    package var component: String
    /// The normalised cause (see ``DefectRegister/causeKey(_:)``).
    package var cause: String

    package init(component: String, cause: String) {
        self.component = component
        self.cause = cause
    }

    package static func < (lhs: DefectKey, rhs: DefectKey) -> Bool {
        (lhs.component, lhs.cause) < (rhs.component, rhs.cause)
    }
}

/// Occurrences of one defect, counted.
package struct DefectTally: Hashable, Sendable {
    package var key: DefectKey
    /// The cause as first written.
    package var cause: String
    /// Distinct households affected.
    package var households: Int
    /// Distinct projects, sorted.
    package var projects: [String]
    /// The earliest report.
    package var firstFound: LocalDate
    /// The title of the earliest report, if any.
    package var firstTitle: String?
    /// Repairs counted (a household can have several).
    package var occurrences: Int
}

/// The defect register's rules: which repaired defects count as the same, when they recur, and their codes.
package enum DefectRegister {
    /// The cause in a comparable form: lower-cased, trimmed, inner whitespace collapsed to one space, trailing
    /// punctuation (`.`, `。`, `;`, `；`) dropped.
    package static func causeKey(_ cause: String) -> String {
        var words = cause.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let last = words.last, ".。;；,，".contains(last) { words.removeLast() }
        return words
    }

    /// Groups occurrences by component and cause and counts households and projects. Occurrences with an
    /// empty cause are left out. Sorted by key.
    package static func tally(_ occurrences: [DefectOccurrence]) -> [DefectTally] {
        var groups: [DefectKey: [DefectOccurrence]] = [:]
        for occurrence in occurrences where !causeKey(occurrence.cause).isEmpty {
            groups[occurrence.key, default: []].append(occurrence)
        }
        return groups.map { key, members in
            let earliest = members.min { ($0.foundOn, $0.workOrderID) < ($1.foundOn, $1.workOrderID) }!
            return DefectTally(
                key: key, cause: earliest.cause, households: Set(members.map(\.household)).count,
                projects: Set(members.map(\.project)).sorted(), firstFound: earliest.foundOn, firstTitle: earliest.title,
                occurrences: members.count)
        }
        .sorted { $0.key < $1.key }
    }

    /// Whether a tally is a recurring defect: at least `threshold` households.
    package static func isRecurring(_ tally: DefectTally, threshold: Int) -> Bool {
        tally.households >= max(1, threshold)
    }

    /// The code of the `number`-th entry: the prefix and at least two digits (`SJ01`, `SJ12`, `SJ100`).
    package static func code(prefix: String, number: Int) -> String {
        let digits = String(number)
        return prefix + (digits.count < 2 ? "0" + digits : digits)
    }
}
