/// Which survey an invitation belongs to: a transactional call-back or a step of the per-project
/// survey schedule (procedure WHVK-QP-16-03).
package struct SurveyKind: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Call-back after a repair or a complaint closure.
    package static let callback: SurveyKind = "callback"
    /// #1: after presale contracts are signed.
    package static let presale: SurveyKind = "presale"
    /// #2: after official opening contracts are signed.
    package static let opening: SurveyKind = "opening"
    /// #3: three months after move-in.
    package static let lifecycle3m: SurveyKind = "lifecycle_3m"
    /// #4: one year after move-in.
    package static let lifecycle1y: SurveyKind = "lifecycle_1y"
    /// #5–8: year-end, years 1–5 after move-in (house quality, warranty).
    package static let qualityYearly: SurveyKind = "quality_yearly"
    /// #9+: every two years after year 5 (house quality).
    package static let qualityBiennial: SurveyKind = "quality_biennial"
    /// The annual third-party survey.
    package static let thirdParty: SurveyKind = "third_party"

    /// Every value of contract v1, in contract order.
    package static let known: [SurveyKind] = [
        .callback, .presale, .opening, .lifecycle3m, .lifecycle1y, .qualityYearly, .qualityBiennial, .thirdParty,
    ]
}
