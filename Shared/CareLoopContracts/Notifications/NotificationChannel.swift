/// How the company's sender reaches an owner.
package struct NotificationChannel: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Text message.
    package static let sms: NotificationChannel = "sms"
    /// WeChat message.
    package static let wechat: NotificationChannel = "wechat"
    /// Push notification of the owners' app.
    package static let appPush: NotificationChannel = "app_push"
    /// Email.
    package static let email: NotificationChannel = "email"
    /// Voice call.
    package static let voice: NotificationChannel = "voice"

    /// Every value of contract v1, in contract order.
    package static let known: [NotificationChannel] = [.sms, .wechat, .appPush, .email, .voice]
}
