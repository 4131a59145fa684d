import CareLoopContracts

/// When a project's units were handed over and what its developer promised beyond the statutory warranty.
///
/// The same shape is the registry seed file's entry and the admin API's body (`PUT /v1/admin/projects/{project}`).
package struct ProjectDelivery: Hashable, Sendable, Codable {
    /// The project id, as in `property.project`.
    package var project: String
    /// The project's city, for reports.
    package var city: String?
    /// Delivery date of the whole project (buildings without their own date).
    package var deliveredOn: LocalDate?
    /// Delivery date per building, overriding the project's.
    package var buildings: [String: LocalDate]
    /// Longer periods promised for this project, by component (`8y`, `3s`).
    package var warrantyPromises: [WarrantyComponent: WarrantyPeriod]

    /// Makes a project entry.
    package init(
        project: String, city: String? = nil, deliveredOn: LocalDate? = nil, buildings: [String: LocalDate] = [:],
        warrantyPromises: [WarrantyComponent: WarrantyPeriod] = [:]
    ) {
        self.project = project
        self.city = city
        self.deliveredOn = deliveredOn
        self.buildings = buildings
        self.warrantyPromises = warrantyPromises
    }

    /// The delivery date of `building` (its own, else the project's).
    package func deliveredOn(building: String?) -> LocalDate? {
        building.flatMap { buildings[$0] } ?? deliveredOn
    }

    enum CodingKeys: String, CodingKey {
        case project, city, buildings
        case deliveredOn = "delivered_on"
        case warrantyPromises = "warranty_promises"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        project = try container.decode(String.self, forKey: .project)
        city = try container.decodeIfPresent(String.self, forKey: .city)
        deliveredOn = try container.decodeIfPresent(LocalDate.self, forKey: .deliveredOn)
        buildings = try container.decodeIfPresent([String: LocalDate].self, forKey: .buildings) ?? [:]
        var promises: [WarrantyComponent: WarrantyPeriod] = [:]
        for (name, text) in try container.decodeIfPresent([String: String].self, forKey: .warrantyPromises) ?? [:] {
            guard let component = WarrantyComponent(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .warrantyPromises, in: container,
                    debugDescription: "unknown component '\(name)'; one of \(WarrantyComponent.allCases.map(\.rawValue))")
            }
            guard let period = WarrantyPeriod(text: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .warrantyPromises, in: container, debugDescription: "'\(text)' is not a period like 8y or 3s")
            }
            promises[component] = period
        }
        warrantyPromises = promises
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(project, forKey: .project)
        try container.encodeIfPresent(city, forKey: .city)
        try container.encodeIfPresent(deliveredOn, forKey: .deliveredOn)
        try container.encode(buildings, forKey: .buildings)
        try container.encode(
            Dictionary(uniqueKeysWithValues: warrantyPromises.map { ($0.key.rawValue, $0.value.text) }), forKey: .warrantyPromises)
    }

    /// `required`/`max_length` for ids, `max_items` for too many buildings.
    package func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(project, at: "project", maxLength: FieldLimits.identifier)
        validator.limitText(city, at: "city", maxLength: FieldLimits.identifier)
        validator.maxItems(buildings.count, maximum: 10_000, at: "buildings")
        for building in buildings.keys.sorted() {
            validator.requireText(building, at: "buildings.\(building)", maxLength: FieldLimits.identifier)
        }
        return validator.errors
    }
}

/// Decides the warranty of a new work order from the project registry.
package struct WarrantyAssessment: Hashable, Sendable {
    /// Where the answer comes from.
    package enum Basis: String, Hashable, Sendable, Codable {
        /// The statutory (or configured default) period.
        case statutory
        /// A longer period the developer promised for the project.
        case projectPromise = "project_promise"
        /// No delivery date is registered for the unit: treated as in warranty (a defect found before or at
        /// delivery always is) until staff register the date.
        case deliveryDateUnknown = "delivery_date_unknown"
    }

    /// The decision as the contract carries it.
    package var coverage: WarrantyCoverage
    /// Why.
    package var basis: Basis
    /// The delivery date used, when known.
    package var deliveredOn: LocalDate?

    /// Free repair, else a paid job that needs an accepted quote.
    package var inWarranty: Bool { coverage.inWarranty }

    /// The assessment of a defect of `component` at `property`, reported on `reportedOn`, given the project's
    /// registry entry (if any) and the statutory `policy`.
    package static func assess(
        component: WarrantyComponent, property: PropertyAddress, reportedOn: LocalDate, registry: ProjectDelivery?,
        policy: WarrantyPolicy
    ) -> WarrantyAssessment {
        guard let registry, let deliveredOn = registry.deliveredOn(building: property.building) else {
            return WarrantyAssessment(
                coverage: WarrantyCoverage(inWarranty: true, component: component.rawValue), basis: .deliveryDateUnknown,
                deliveredOn: nil)
        }
        var policy = policy
        policy.projectPromises[property.project] = registry.warrantyPromises
        let decision = policy.decide(component: component, deliveredOn: deliveredOn, reportedOn: reportedOn, project: property.project)
        let basis: Basis =
            switch decision.rule.source {
            case .statutory: .statutory
            case .projectPromise: .projectPromise
            }
        return WarrantyAssessment(coverage: decision.coverage, basis: basis, deliveredOn: deliveredOn)
    }
}
