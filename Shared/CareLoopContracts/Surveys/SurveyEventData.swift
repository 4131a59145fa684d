/// The `data` of every `careloop.surveys.v1` event: an invitation, a response with its scores, or an expiry.
/// Scores are on the 5-point scale; satisfaction counts answers of 4 or 5.
package struct SurveyEventData: EventPayload {
    /// Survey events are published on `careloop.surveys.v1`.
    package static let topic = Topic.surveys
    /// The answer scale, 1 (very dissatisfied) to 5 (very satisfied).
    package static let scoreRange = 1...5

    /// The survey invitation's id (the record key and `ce_subject`).
    package var surveyID: String
    /// The case a call-back survey follows, if any.
    package var caseID: String?
    /// The company's owner id (never the owner's name or phone).
    package var ownerID: String
    /// The owner's project code.
    package var project: String
    /// The owner's city code.
    package var city: String
    /// Which survey.
    package var surveyKind: SurveyKind
    /// The status after this event.
    package var status: SurveyStatus
    /// The overall-satisfaction answer, 1–5; required when `status` is `responded`.
    package var score: Int?
    /// Further answers by question code, each 1–5 (e.g. `would_buy_again`, `would_recommend`).
    package var answers: [String: Int]?
    /// When this change happened.
    package var occurredAt: Timestamp

    /// Makes survey data.
    package init(
        surveyID: String,
        caseID: String? = nil,
        ownerID: String,
        project: String,
        city: String,
        surveyKind: SurveyKind,
        status: SurveyStatus,
        score: Int? = nil,
        answers: [String: Int]? = nil,
        occurredAt: Timestamp
    ) {
        self.surveyID = surveyID
        self.caseID = caseID
        self.ownerID = ownerID
        self.project = project
        self.city = city
        self.surveyKind = surveyKind
        self.status = status
        self.score = score
        self.answers = answers
        self.occurredAt = occurredAt
    }

    /// Every rule the data breaks: required and bounded ids, known kind and status, scores 1–5,
    /// question codes of 1–64 characters, a score when responded.
    package func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(surveyID, at: "survey_id", maxLength: FieldLimits.identifier)
        validator.limitText(caseID, at: "case_id", maxLength: FieldLimits.identifier)
        validator.requireText(ownerID, at: "owner_id", maxLength: FieldLimits.identifier)
        validator.requireText(project, at: "project", maxLength: FieldLimits.identifier)
        validator.requireText(city, at: "city", maxLength: FieldLimits.identifier)
        validator.requireKnown(surveyKind, at: "survey_kind")
        validator.requireKnown(status, at: "status")
        validator.range(score, Self.scoreRange, at: "score")
        if status == .responded, score == nil {
            validator.report("score", .required, "is required when status is responded")
        }
        for (question, answer) in (answers ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = FieldPath.member(question, of: "answers")
            validator.requireText(question, at: path, maxLength: FieldLimits.identifier)
            validator.range(answer, Self.scoreRange, at: path)
        }
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case project, city, status, score, answers
        case surveyID = "survey_id"
        case caseID = "case_id"
        case ownerID = "owner_id"
        case surveyKind = "survey_kind"
        case occurredAt = "occurred_at"
    }
}
