/// Where an issue is: city → project → building → unit (the contract's `property` object).
package struct PropertyAddress: Codable, Hashable, Sendable {
    /// City code, e.g. `shenzhen`; required.
    package var city: String
    /// Project (楼盘/小区) code, e.g. `SZ-FSG`; required.
    package var project: String
    /// Building, e.g. `12`; absent for project-wide issues.
    package var building: String?
    /// Unit, e.g. `1203`; absent for building- or project-wide issues.
    package var unit: String?

    /// Makes an address.
    package init(city: String, project: String, building: String? = nil, unit: String? = nil) {
        self.city = city
        self.project = project
        self.building = building
        self.unit = unit
    }

    /// The intake record key, `<city>/<project>`.
    package var cityProjectKey: String {
        "\(city)/\(project)"
    }

    /// `required` for blank city/project, `max_length` for any part over 64 characters, under `path`.
    package func validate(at path: String) -> [FieldError] {
        func member(_ key: CodingKeys) -> String { FieldPath.member(key.stringValue, of: path) }
        var validator = FieldValidator()
        validator.requireText(city, at: member(.city), maxLength: FieldLimits.identifier)
        validator.requireText(project, at: member(.project), maxLength: FieldLimits.identifier)
        validator.limitText(building, at: member(.building), maxLength: FieldLimits.identifier)
        validator.limitText(unit, at: member(.unit), maxLength: FieldLimits.identifier)
        return validator.errors
    }

    enum CodingKeys: String, CodingKey {
        case city, project, building, unit
    }
}
