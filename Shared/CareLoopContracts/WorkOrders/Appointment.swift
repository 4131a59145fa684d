/// A booked visit window.
package struct Appointment: Codable, Hashable, Sendable {
    /// The window opens.
    package var start: Timestamp
    /// The window closes; not before `start`.
    package var end: Timestamp

    /// Makes a window.
    package init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }

    /// `order` at `<path>.end` when the window ends before it starts.
    package func validate(at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.order(earlier: start, later: end, at: FieldPath.member("end", of: path))
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case start, end
    }
}
