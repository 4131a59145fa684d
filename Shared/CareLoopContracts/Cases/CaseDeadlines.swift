/// A case's three service-level deadlines (the contract's `due`), e.g. from the 113 or 137 time rule.
package struct CaseDeadlines: Codable, Hashable, Sendable {
    /// Acknowledge the owner by then.
    package var acknowledgeBy: Timestamp
    /// Give the owner a substantive response by then.
    package var respondBy: Timestamp
    /// Resolve the issue by then.
    package var resolveBy: Timestamp

    /// Makes the deadlines.
    package init(acknowledgeBy: Timestamp, respondBy: Timestamp, resolveBy: Timestamp) {
        self.acknowledgeBy = acknowledgeBy
        self.respondBy = respondBy
        self.resolveBy = resolveBy
    }

    /// `order` when `respond_by` is before `acknowledge_by` or `resolve_by` before `respond_by`, under `path`.
    package func validate(at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.order(earlier: acknowledgeBy, later: respondBy, at: FieldPath.member("respond_by", of: path))
        validator.order(earlier: respondBy, later: resolveBy, at: FieldPath.member("resolve_by", of: path))
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case acknowledgeBy = "acknowledge_by"
        case respondBy = "respond_by"
        case resolveBy = "resolve_by"
    }
}
