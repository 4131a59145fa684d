/// The channel a voice arrived through (`channel` of a submission; optional on case events).
package struct Channel: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The 24-hour hotline.
    package static let hotline: Channel = "hotline"
    /// The front desk or property office.
    package static let frontDesk: Channel = "front_desk"
    /// The owners' app.
    package static let app: Channel = "app"
    /// WeChat.
    package static let wechat: Channel = "wechat"
    /// The website or online complaint forum.
    package static let web: Channel = "web"
    /// Email.
    package static let email: Channel = "email"
    /// A letter.
    package static let letter: Channel = "letter"
    /// A field report by staff.
    package static let staffReport: Channel = "staff_report"
    /// A pre-delivery open day or delivery inspection (验房).
    package static let inspection: Channel = "inspection"

    /// Every value of contract v1, in contract order.
    package static let known: [Channel] = [
        .hotline, .frontDesk, .app, .wechat, .web, .email, .letter, .staffReport, .inspection,
    ]
}
