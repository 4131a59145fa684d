import CareLoopContracts

/// What the severity rules need to know about one report.
package struct SeverityInput: Hashable, Sendable {
    /// The report's title.
    package var title: String
    /// The report's description.
    package var description: String
    /// How many reports the same owner made within `SeverityRules.repeatWindow`, this one included.
    package var ownerReportsInWindow: Int
    /// Whether the owner is flagged VIP.
    package var isVIP: Bool

    /// Makes the input.
    package init(title: String, description: String, ownerReportsInWindow: Int = 1, isVIP: Bool = false) {
        self.title = title
        self.description = description
        self.ownerReportsInWindow = ownerReportsInWindow
        self.isVIP = isVIP
    }
}

/// Why a report was judged major.
package enum SeverityReason: Hashable, Sendable {
    /// A safety word occurred (the word as configured).
    case safety(String)
    /// A media or escalation threat occurred (the word as configured).
    case escalationThreat(String)
    /// The owner reported this many times within the repeat window.
    case repeatReports(Int)
    /// The owner is a VIP.
    case vip
}

/// A severity with the reasons behind it (empty for `ordinary`).
package struct SeverityAssessment: Hashable, Sendable {
    /// `major` or `ordinary` (group incidents are decided by `GroupIncidentDetector`).
    package var severity: Severity
    /// Every reason found, in the order safety, threats, repeats, VIP.
    package var reasons: [SeverityReason]
}

/// Decides `major` vs `ordinary` from configurable word lists, repeat reports and the VIP flag.
///
/// Words match like the classifier: English case-insensitively at a word start, Chinese as substrings.
package struct SeverityRules: Hashable, Sendable {
    /// Safety words: fire, gas, shock, falling, collapse.
    package var safetyWords: [String] = [
        "fire", "smoke", "gas leak", "gas smell", "smell of gas", "electric shock", "electrocut", "sparks", "falling from", "fell from", "fall from",
        "collapse", "collapsed", "injured", "injury", "explosion",
        "火灾", "着火", "起火", "冒烟", "煤气", "燃气泄漏", "漏电", "触电", "坠落", "掉落", "高空坠物", "倒塌", "坍塌", "受伤", "爆炸",
    ]
    /// Media and escalation threats: media, journalists, lawyers, lawsuits, the 12345 hotline.
    package var escalationWords: [String] = [
        "media", "journalist", "reporter", "newspaper", "tv station", "lawyer", "sue", "suing", "lawsuit", "to court",
        "12345", "hotline complaint", "government", "weibo",
        "媒体", "记者", "报社", "电视台", "曝光", "律师", "起诉", "法院", "投诉到", "12345", "上访", "微博",
    ]
    /// Reports by one owner within the window from which a report is major.
    package var repeatThreshold: Int = 3
    /// The window in which the caller counts an owner's reports (`SeverityInput.ownerReportsInWindow`).
    package var repeatWindow: Duration = .seconds(30 * 24 * 3600)
    /// Whether a VIP owner's report is always major.
    package var vipIsMajor: Bool = true

    /// Rules with the defaults above.
    package init() {}

    /// Assesses one report; `major` when any reason applies, else `ordinary` with no reasons.
    package func assess(_ input: SeverityInput) -> SeverityAssessment {
        let text = Array((input.title + "\n" + input.description).lowercased().utf8)
        var reasons: [SeverityReason] = []
        reasons += safetyWords.filter { Classifier.Term($0.lowercased()).occurs(in: text) }.map(SeverityReason.safety)
        reasons += escalationWords.filter { Classifier.Term($0.lowercased()).occurs(in: text) }
            .map(SeverityReason.escalationThreat)
        if input.ownerReportsInWindow >= repeatThreshold { reasons.append(.repeatReports(input.ownerReportsInWindow)) }
        if input.isVIP && vipIsMajor { reasons.append(.vip) }
        return SeverityAssessment(severity: reasons.isEmpty ? .ordinary : .major, reasons: reasons)
    }
}

/// The documents' time rules: 113 inside the property office's authority, 137 beyond it.
package enum TimeRule: String, Hashable, Sendable, Codable {
    /// Acknowledge within 1 hour, respond within 1 day, resolve within 3 days (CareLoop default).
    case rule113 = "113"
    /// Acknowledge within 1 day, respond within 3 days, resolve within 7 days (CareLoop default).
    case rule137 = "137"
}

/// Picks the time rule: 113 for categories under a configured prefix (default `property.`) and for simple
/// inquiries, 137 otherwise.
package struct TimeRuleSelector: Hashable, Sendable {
    /// Category prefixes inside the property office's authority.
    package var prefixesFor113: [String] = ["property."]
    /// Voice kinds always inside the property office's authority (simple inquiries).
    package var kindsFor113: Set<VoiceKind> = [.inquiry]

    /// A selector with the defaults above.
    package init() {}

    /// The time rule for a case of `category` and `kind`.
    package func timeRule(category: String, kind: VoiceKind) -> TimeRule {
        if kindsFor113.contains(kind) || prefixesFor113.contains(where: { category.hasPrefix($0) }) { return .rule113 }
        return .rule137
    }
}
