/// Whether a repair falls under the home quality guarantee (free) or is a paid service (quote first).
package struct WarrantyCoverage: Codable, Hashable, Sendable {
    /// Within the guarantee's scope and period.
    package var inWarranty: Bool
    /// The component whose period applies, e.g. `waterproofing`, `plumbing`, `decoration`.
    package var component: String
    /// Last day of the period (`YYYY-MM-DD`), when known.
    package var expiresOn: String?

    /// Makes a coverage decision.
    package init(inWarranty: Bool, component: String, expiresOn: String? = nil) {
        self.inWarranty = inWarranty
        self.component = component
        self.expiresOn = expiresOn
    }

    /// `required`/`max_length` for `component`, `date` for `expires_on`, under `path`.
    package func validate(at path: String) -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(component, at: FieldPath.member("component", of: path), maxLength: FieldLimits.label)
        validator.fullDate(expiresOn, at: FieldPath.member("expires_on", of: path))
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case component
        case inWarranty = "in_warranty"
        case expiresOn = "expires_on"
    }
}
