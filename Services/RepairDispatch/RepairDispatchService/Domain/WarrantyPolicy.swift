import CareLoopContracts

/// Decides whether a repair is free under the home quality guarantee, from the component and the delivery date.
///
/// Date convention (Civil Code arts. 201–202): the delivery day itself is not counted, so a period of `n` years ends
/// on the same month and day `n` years later — that **last day is in warranty**, the day after is not. A 29 February
/// delivery whose final year has no 29 February ends on 28 February. A defect reported before (or on) delivery is
/// always in warranty.
package struct WarrantyPolicy: Sendable, Codable, Hashable {
    /// Design life of the foundations and main structure, in years.
    package var designLifeYears: Int = 50
    /// Period per component; the statutory minimum periods unless configured otherwise. `structure` uses
    /// `designLifeYears` when absent.
    package var statutory: [WarrantyComponent: WarrantyPeriod] = WarrantyPolicy.statutoryMinimum
    /// How season-counted periods end.
    package var seasons = WarrantySeasons()
    /// Longer periods a developer promised, by project id then component.
    package var projectPromises: [String: [WarrantyComponent: WarrantyPeriod]] = [:]

    /// The statutory minimum periods of Order No. 80 (structure: see `designLifeYears`).
    package static let statutoryMinimum: [WarrantyComponent: WarrantyPeriod] = [
        .waterproofing: .years(5), .heatingCooling: .seasons(2), .electrical: .years(2), .plumbing: .years(2),
        .equipmentInstallation: .years(2), .decoration: .years(2),
    ]

    /// Makes a policy; every parameter has the statutory default.
    package init(
        designLifeYears: Int = 50,
        statutory: [WarrantyComponent: WarrantyPeriod] = WarrantyPolicy.statutoryMinimum,
        seasons: WarrantySeasons = WarrantySeasons(),
        projectPromises: [String: [WarrantyComponent: WarrantyPeriod]] = [:]
    ) {
        self.designLifeYears = designLifeYears
        self.statutory = statutory
        self.seasons = seasons
        self.projectPromises = projectPromises
    }

    /// Whether a defect of `component`, in a unit of `project` delivered on `deliveredOn`, reported on `reportedOn`,
    /// is in warranty. A project promise applies only where it ends later than the statutory period (a promise
    /// cannot shorten the law's minimum).
    package func decide(
        component: WarrantyComponent, deliveredOn: LocalDate, reportedOn: LocalDate, project: String
    ) -> WarrantyDecision {
        let statutoryPeriod = statutory[component] ?? .years(component == .structure ? designLifeYears : 0)
        var rule = WarrantyRule(component: component, period: statutoryPeriod, source: .statutory)
        var expiresOn = lastDay(of: statutoryPeriod, deliveredOn: deliveredOn)
        if let promised = projectPromises[project]?[component] {
            let promisedEnd = lastDay(of: promised, deliveredOn: deliveredOn)
            if promisedEnd > expiresOn {
                expiresOn = promisedEnd
                rule = WarrantyRule(component: component, period: promised, source: .projectPromise(project: project))
            }
        }
        return WarrantyDecision(inWarranty: reportedOn <= expiresOn, expiresOn: expiresOn, rule: rule)
    }

    /// The last day in warranty of `period` counted from `deliveredOn`.
    package func lastDay(of period: WarrantyPeriod, deliveredOn: LocalDate) -> LocalDate {
        switch period {
        case .years(let years): deliveredOn.adding(years: max(0, years))
        case .seasons(let count): seasons.lastDay(seasons: count, after: deliveredOn)
        }
    }
}

/// Which rule produced a warranty decision, for the audit trail and the owner's explanation.
package struct WarrantyRule: Hashable, Sendable, Codable {
    /// Where the period comes from.
    package enum Source: Hashable, Sendable, Codable {
        /// The statutory minimum (or the configured default).
        case statutory
        /// A longer period the developer promised for this project.
        case projectPromise(project: String)
    }

    /// The component whose period applied.
    package var component: WarrantyComponent
    /// The period applied.
    package var period: WarrantyPeriod
    /// Where the period comes from.
    package var source: Source
}

/// The outcome of ``WarrantyPolicy/decide(component:deliveredOn:reportedOn:project:)``.
package struct WarrantyDecision: Hashable, Sendable, Codable {
    /// Free repair; otherwise a paid service that needs an accepted quote first.
    package var inWarranty: Bool
    /// The last day in warranty.
    package var expiresOn: LocalDate
    /// The rule that decided.
    package var rule: WarrantyRule

    /// The decision as the work-order contract carries it.
    package var coverage: WarrantyCoverage {
        WarrantyCoverage(inWarranty: inWarranty, component: rule.component.rawValue, expiresOn: expiresOn.description)
    }
}
