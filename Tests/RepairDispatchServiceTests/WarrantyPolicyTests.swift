import CareLoopContracts
import Foundation
import Testing

@testable import RepairDispatchService

@Suite("Warranty policy")
struct WarrantyPolicyTests {
    @Test(
        "statutory periods: the last day is in warranty, the day after is not",
        arguments: [
            (WarrantyComponent.structure, "2020-06-30", "2070-06-30", "2070-07-01"),
            (.waterproofing, "2021-06-30", "2026-06-30", "2026-07-01"),
            (.electrical, "2024-03-01", "2026-03-01", "2026-03-02"),
            (.plumbing, "2023-12-31", "2025-12-31", "2026-01-01"),
            (.equipmentInstallation, "2024-05-20", "2026-05-20", "2026-05-21"),
            (.decoration, "2024-08-15", "2026-08-15", "2026-08-16"),
            // Delivered in summer: 2 heating seasons end 2026-03-15, 2 cooling seasons end 2026-09-30.
            (.heatingCooling, "2024-07-10", "2026-09-30", "2026-10-01"),
            // Delivered mid heating season: it does not count; the second full one ends 2027-03-15.
            (.heatingCooling, "2024-12-01", "2027-03-15", "2027-03-16"),
        ])
    func boundaries(component: WarrantyComponent, delivered: String, lastDay: String, dayAfter: String) throws {
        let policy = WarrantyPolicy()
        let last = policy.decide(
            component: component, deliveredOn: try day(delivered), reportedOn: try day(lastDay), project: "SZ-FSG")
        #expect(last.inWarranty)
        #expect(last.expiresOn == (try day(lastDay)))
        #expect(last.rule.source == .statutory)
        #expect(last.rule.component == component)
        let after = policy.decide(
            component: component, deliveredOn: try day(delivered), reportedOn: try day(dayAfter), project: "SZ-FSG")
        #expect(!after.inWarranty)
    }

    @Test(
        "a 29 February delivery ends on 28 February when the final year has none, and on 29 February when it has",
        arguments: [
            (WarrantyComponent.decoration, "2024-02-29", "2026-02-28", "2026-03-01"),
            (.waterproofing, "2024-02-29", "2029-02-28", "2029-03-01"),
            (.structure, "2024-02-29", "2074-02-28", "2074-03-01"),
        ])
    func leapDayDelivery(component: WarrantyComponent, delivered: String, lastDay: String, dayAfter: String) throws {
        let policy = WarrantyPolicy()
        #expect(
            policy.decide(
                component: component, deliveredOn: try day(delivered), reportedOn: try day(lastDay), project: "P"
            ).inWarranty)
        #expect(
            !policy.decide(
                component: component, deliveredOn: try day(delivered), reportedOn: try day(dayAfter), project: "P"
            ).inWarranty)
        // Four years on there is a 29 February again.
        let fourYears = WarrantyPolicy(statutory: [.decoration: .years(4)])
        let decision = fourYears.decide(
            component: .decoration, deliveredOn: try day("2024-02-29"), reportedOn: try day("2028-02-29"), project: "P")
        #expect(decision.inWarranty)
        #expect(decision.expiresOn == (try day("2028-02-29")))
    }

    @Test("defects found on or before delivery day are in warranty")
    func beforeDelivery() throws {
        let policy = WarrantyPolicy()
        for reported in ["2025-01-10", "2025-01-15"] {
            #expect(
                policy.decide(
                    component: .decoration, deliveredOn: try day("2025-01-15"), reportedOn: try day(reported),
                    project: "P"
                ).inWarranty)
        }
    }

    @Test("the design life and season ranges are configurable")
    func configuredDefaults() throws {
        let seventy = WarrantyPolicy(designLifeYears: 70)
        #expect(
            seventy.decide(
                component: .structure, deliveredOn: try day("2020-01-01"), reportedOn: try day("2089-06-01"), project: "P"
            ).expiresOn == (try day("2090-01-01")))
        let heatingOnly = WarrantyPolicy(seasons: WarrantySeasons(ranges: [.northernHeating]))
        #expect(
            heatingOnly.decide(
                component: .heatingCooling, deliveredOn: try day("2023-10-01"), reportedOn: try day("2025-03-15"),
                project: "P"
            ).expiresOn == (try day("2025-03-15")))
        let threeSeasons = WarrantyPolicy(statutory: [.heatingCooling: .seasons(3)])
        #expect(
            threeSeasons.decide(
                component: .heatingCooling, deliveredOn: try day("2024-07-10"), reportedOn: try day("2027-01-01"),
                project: "P"
            ).expiresOn == (try day("2027-09-30")))
    }

    @Test(
        "project promises extend every component; other projects keep the statutory period",
        arguments: WarrantyComponent.allCases)
    func projectPromise(component: WarrantyComponent) throws {
        let policy = WarrantyPolicy(projectPromises: [
            "SZ-FSG": Dictionary(uniqueKeysWithValues: WarrantyComponent.allCases.map { ($0, WarrantyPeriod.years(60)) })
        ])
        let delivered = try day("2021-06-30")
        let promised = policy.decide(
            component: component, deliveredOn: delivered, reportedOn: try day("2081-06-30"), project: "SZ-FSG")
        #expect(promised.inWarranty)
        #expect(promised.expiresOn == (try day("2081-06-30")))
        #expect(promised.rule.source == .projectPromise(project: "SZ-FSG"))
        #expect(promised.rule.period == .years(60))
        #expect(
            !policy.decide(
                component: component, deliveredOn: delivered, reportedOn: try day("2081-07-01"), project: "SZ-FSG"
            ).inWarranty)
        let elsewhere = policy.decide(
            component: component, deliveredOn: delivered, reportedOn: try day("2081-06-30"), project: "WH-LKC")
        #expect(!elsewhere.inWarranty)
        #expect(elsewhere.rule.source == .statutory)
    }

    @Test("a promise shorter than the statutory period does not shorten it")
    func shorterPromiseIgnored() throws {
        let policy = WarrantyPolicy(projectPromises: ["P": [.waterproofing: .years(3), .heatingCooling: .seasons(1)]])
        let waterproofing = policy.decide(
            component: .waterproofing, deliveredOn: try day("2021-06-30"), reportedOn: try day("2025-01-01"),
            project: "P")
        #expect(waterproofing.inWarranty)
        #expect(waterproofing.rule.source == .statutory)
        #expect(waterproofing.expiresOn == (try day("2026-06-30")))
    }

    @Test("the decision maps to the contract's coverage and round-trips as JSON")
    func coverage() throws {
        let decision = WarrantyPolicy(projectPromises: ["P": [.waterproofing: .years(8)]]).decide(
            component: .waterproofing, deliveredOn: try day("2021-06-30"), reportedOn: try day("2029-07-01"),
            project: "P")
        #expect(decision.coverage == WarrantyCoverage(inWarranty: false, component: "waterproofing", expiresOn: "2029-06-30"))
        let decoded = try JSONDecoder().decode(WarrantyDecision.self, from: JSONEncoder().encode(decision))
        #expect(decoded == decision)
    }
}
