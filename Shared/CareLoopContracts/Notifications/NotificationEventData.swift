/// The `data` of every `careloop.notifications.v1` event: a message handed to the company's own sender
/// (which resolves `owner_id` to a phone, WeChat id or address) and, later, its delivery outcome.
package struct NotificationEventData: EventPayload {
    /// Notification events are published on `careloop.notifications.v1`.
    package static let topic = Topic.notifications
    /// Parameter names that would carry an owner's name or phone and are therefore refused.
    package static let personalParameterNames: Set<String> = [
        "name", "full_name", "owner_name", "phone", "phone_number", "owner_phone", "mobile",
    ]

    /// The notification's id (the record key and `ce_subject`).
    package var notificationID: String
    /// The company's owner id: the sender looks up how to reach them.
    package var ownerID: String
    /// How to reach the owner.
    package var channel: NotificationChannel
    /// The company's template code, e.g. `case_acknowledged`, `visit_reminder`, `survey_invitation`.
    package var template: String
    /// BCP 47 language of the message, e.g. `zh-CN`.
    package var locale: String
    /// Template parameters (reference, visit window, survey link …); never names or phone numbers.
    package var parameters: [String: String]
    /// The case the message is about, if any.
    package var caseID: String?
    /// The status after this event.
    package var status: NotificationStatus
    /// Why delivery failed; required when `status` is `failed`.
    package var reason: String?
    /// When this change happened.
    package var occurredAt: Timestamp

    /// Makes notification data.
    package init(
        notificationID: String,
        ownerID: String,
        channel: NotificationChannel,
        template: String,
        locale: String,
        parameters: [String: String] = [:],
        caseID: String? = nil,
        status: NotificationStatus,
        reason: String? = nil,
        occurredAt: Timestamp
    ) {
        self.notificationID = notificationID
        self.ownerID = ownerID
        self.channel = channel
        self.template = template
        self.locale = locale
        self.parameters = parameters
        self.caseID = caseID
        self.status = status
        self.reason = reason
        self.occurredAt = occurredAt
    }

    /// Every rule the data breaks: required and bounded ids, known channel and status, a template, a
    /// language tag, parameters without names or phone numbers (`personal_data`), a reason when failed.
    package func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(notificationID, at: "notification_id", maxLength: FieldLimits.identifier)
        validator.requireText(ownerID, at: "owner_id", maxLength: FieldLimits.identifier)
        validator.requireKnown(channel, at: "channel")
        validator.requireText(template, at: "template", maxLength: FieldLimits.label)
        validator.requireText(locale, at: "locale", maxLength: FieldLimits.languageTag)
        validator.languageTag(locale.isEmpty ? nil : locale, at: "locale")
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            let path = FieldPath.member(name, of: "parameters")
            validator.requireText(name, at: path, maxLength: FieldLimits.identifier)
            validator.limitText(value, at: path, maxLength: FieldLimits.reason)
            if Self.personalParameterNames.contains(name.lowercased()) || FieldValidator.isE164(value) {
                validator.report(path, .personalData, "must not carry an owner's name or phone number")
            }
        }
        validator.limitText(caseID, at: "case_id", maxLength: FieldLimits.identifier)
        validator.requireKnown(status, at: "status")
        validator.limitText(reason, at: "reason", maxLength: FieldLimits.reason)
        if status == .failed, (reason ?? "").isEmpty {
            validator.report("reason", .required, "is required when status is failed")
        }
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case channel, template, locale, parameters, status, reason
        case notificationID = "notification_id"
        case ownerID = "owner_id"
        case caseID = "case_id"
        case occurredAt = "occurred_at"
    }
}
