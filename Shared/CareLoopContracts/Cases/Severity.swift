/// How a case is handled: the lower the risk, the shorter the path.
package struct Severity: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Handled by the responsible department.
    package static let ordinary: Severity = "ordinary"
    /// Escalated level by level with early warning (重大投诉).
    package static let major: Severity = "major"
    /// Many owners, one issue (群诉): one command line.
    package static let groupIncident: Severity = "group_incident"

    /// Every value of contract v1, in contract order.
    package static let known: [Severity] = [.ordinary, .major, .groupIncident]
}
