import CareLoopContracts
import Testing

@testable import RepairDispatchService

@Suite("Warranty assessment from the project registry")
struct WarrantyAssessmentTests {
    static let address = PropertyAddress(city: "shenzhen", project: "SZ-FSG", building: "12", unit: "1203")

    static func assess(_ component: WarrantyComponent, reported: String, registry: ProjectDelivery?) throws -> WarrantyAssessment {
        WarrantyAssessment.assess(
            component: component, property: address, reportedOn: try day(reported), registry: registry, policy: WarrantyPolicy())
    }

    @Test("the building's own delivery date wins over the project's; the last day is in warranty, the next is not")
    func buildingDate() throws {
        let registry = ProjectDelivery(
            project: "SZ-FSG", deliveredOn: try day("2024-01-10"), buildings: ["12": try day("2024-06-30")])
        let last = try Self.assess(.plumbing, reported: "2026-06-30", registry: registry)
        #expect(last.inWarranty && last.basis == .statutory && last.coverage.expiresOn == "2026-06-30")
        #expect(last.deliveredOn == (try day("2024-06-30")))
        #expect(!(try Self.assess(.plumbing, reported: "2026-07-01", registry: registry)).inWarranty)
        var otherBuilding = registry
        otherBuilding.buildings = [:]
        #expect(!(try Self.assess(.plumbing, reported: "2026-06-30", registry: otherBuilding)).inWarranty, "project date 2024-01-10")
    }

    @Test("a project's longer promise applies and is named as the basis; a shorter one never shortens the law")
    func promises() throws {
        var registry = ProjectDelivery(project: "SZ-FSG", deliveredOn: try day("2020-03-01"), warrantyPromises: [.waterproofing: .years(8)])
        let promised = try Self.assess(.waterproofing, reported: "2027-01-15", registry: registry)
        #expect(promised.inWarranty && promised.basis == .projectPromise && promised.coverage.expiresOn == "2028-03-01")
        registry.warrantyPromises = [.waterproofing: .years(1)]
        let statutory = try Self.assess(.waterproofing, reported: "2024-12-01", registry: registry)
        #expect(statutory.inWarranty && statutory.basis == .statutory && statutory.coverage.expiresOn == "2025-03-01")
    }

    @Test("no delivery date registered: in warranty until staff register one, and said so")
    func unknownDelivery() throws {
        for registry in [nil, ProjectDelivery(project: "SZ-FSG")] {
            let assessment = try Self.assess(.decoration, reported: "2030-01-01", registry: registry)
            #expect(assessment.inWarranty && assessment.basis == .deliveryDateUnknown && assessment.coverage.expiresOn == nil)
            #expect(assessment.coverage.component == "decoration")
        }
    }

    @Test("registry entries read and write the short period form; bad components and periods are refused")
    func registryJSON() throws {
        let json = #"{"project":"SZ-FSG","delivered_on":"2025-06-30","buildings":{"12":"2025-09-30"},"warranty_promises":{"waterproofing":"8y","heating_cooling":"3s"}}"#
        let entry = try CareLoopJSON.decode(ProjectDelivery.self, from: Array(json.utf8))
        #expect(entry.warrantyPromises == [.waterproofing: .years(8), .heatingCooling: .seasons(3)])
        #expect(entry.deliveredOn(building: "12") == (try day("2025-09-30")))
        #expect(entry.deliveredOn(building: "3") == (try day("2025-06-30")))
        let again = try CareLoopJSON.decode(ProjectDelivery.self, from: try CareLoopJSON.encode(entry))
        #expect(again == entry)
        for bad in [#"{"project":"X","warranty_promises":{"roof":"8y"}}"#, #"{"project":"X","warranty_promises":{"decoration":"8 years"}}"#] {
            #expect(throws: DecodingError.self) { try CareLoopJSON.decode(ProjectDelivery.self, from: Array(bad.utf8)) }
        }
        #expect(WarrantyPeriod(text: " 5Y ") == .years(5) && WarrantyPeriod(text: "2s") == .seasons(2))
        #expect(WarrantyPeriod(text: "y") == nil && WarrantyPeriod(text: "-1y") == nil && WarrantyPeriod(text: "3m") == nil)
    }
}
