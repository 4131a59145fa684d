/// Where a notification stands; each status has a `careloop.notification.<status>` event.
package struct NotificationStatus: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Handed to the company's sender.
    package static let requested: NotificationStatus = "requested"
    /// The sender delivered it.
    package static let delivered: NotificationStatus = "delivered"
    /// The sender could not deliver it (a `reason` says why).
    package static let failed: NotificationStatus = "failed"

    /// Every value of contract v1, in contract order.
    package static let known: [NotificationStatus] = [.requested, .delivered, .failed]
}
