/// What an owner's voice is (`kind` of a submission and of a case).
package struct VoiceKind: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Something went wrong (投诉).
    package static let complaint: VoiceKind = "complaint"
    /// A repair request (报修).
    package static let repair: VoiceKind = "repair"
    /// A question (咨询).
    package static let inquiry: VoiceKind = "inquiry"
    /// An idea for improvement (建议).
    package static let suggestion: VoiceKind = "suggestion"
    /// Thanks or praise (表扬).
    package static let praise: VoiceKind = "praise"

    /// Every value of contract v1, in contract order.
    package static let known: [VoiceKind] = [.complaint, .repair, .inquiry, .suggestion, .praise]
}
