import CareLoopContracts

/// One kind of issue owners report, by complaint category (domain.md: engineering with its six construction-quality
/// hot spots, planning & design, sales, property management, customer service, other), with short Chinese and
/// English titles and descriptions an owner would write.
package struct VoiceTopic: Sendable, Hashable {
    /// A title with the owner's description of the issue.
    package struct Phrase: Sendable, Hashable {
        package var title: String
        package var description: String
    }

    /// Dotted category, e.g. `engineering.leakage` (also used as `category_hint`).
    package var category: String
    /// One of the six construction-quality hot spots (doors, finishing, leakage, windows, cracks, plumbing & HVAC).
    package var isHotSpot: Bool
    /// The kinds owners use for it (repairs for defects, complaints for everything).
    package var kinds: [VoiceKind]
    /// How often it comes up, relative to the other topics.
    package var weight: Double
    /// Chinese phrasings.
    package var chinese: [Phrase]
    /// English phrasings.
    package var english: [Phrase]

    /// The phrasings in `language` (`en…` → English, anything else → Chinese).
    package func phrases(language: String) -> [Phrase] {
        language.lowercased().hasPrefix("en") ? english : chinese
    }
}

extension VoiceTopic.Phrase {
    init(_ title: String, _ description: String) {
        self.init(title: title, description: description)
    }
}

/// The sentence an owner adds for the kind of voice, in both languages.
package enum VoiceKindSentence {
    /// A closing sentence for `kind` in `language`.
    package static func closing(for kind: VoiceKind, language: String) -> String {
        let english = language.lowercased().hasPrefix("en")
        switch kind {
        case .complaint:
            return english ? "I reported this before and nothing happened; I am very unhappy." : "已经反映过多次，一直没人处理，非常不满意。"
        case .repair:
            return english ? "Please send a technician to fix it as soon as possible." : "请尽快安排师傅上门维修。"
        case .inquiry:
            return english ? "Could you tell me how this will be handled and how long it takes?" : "请问这个问题怎么处理，需要多长时间？"
        case .suggestion:
            return english ? "I suggest the property office checks every unit and improves this." : "建议物业统一排查并改进。"
        case .praise:
            return english ? "Thanks to the staff who came quickly and handled it well." : "感谢工作人员及时上门，处理得很好，特此表扬。"
        default:
            return ""
        }
    }

    /// A sentence naming where the owner lives, e.g. `12栋1203室` / `building 12, unit 1203`.
    package static func location(building: String, unit: String, language: String) -> String {
        language.lowercased().hasPrefix("en") ? "(building \(building), unit \(unit))" : "（\(building)栋\(unit)室）"
    }
}
