/// Where a survey invitation stands; each status has a `careloop.survey.<status>` event.
package struct SurveyStatus: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The owner was invited.
    package static let invited: SurveyStatus = "invited"
    /// The owner answered.
    package static let responded: SurveyStatus = "responded"
    /// The invitation expired unanswered.
    package static let expired: SurveyStatus = "expired"

    /// Every value of contract v1, in contract order.
    package static let known: [SurveyStatus] = [.invited, .responded, .expired]
}
