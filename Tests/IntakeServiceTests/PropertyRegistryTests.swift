import CareLoopContracts
import Foundation
import Testing

@testable import IntakeService

@Suite("Property registry: document rules, unknown city or project, the shipped seed")
struct PropertyRegistryTests {
    static let document = PropertyDocument(cities: [
        PropertyCity(
            code: "shenzhen", name: "深圳", referencePrefix: "SZ", timeZone: "Asia/Shanghai", language: "zh-CN",
            projects: [PropertyProject(code: "SZ-FSG", name: "四季花城"), PropertyProject(code: "SZ-OLD", name: "旧苑", active: false)]),
        PropertyCity(
            code: "wuhan", name: "武汉", referencePrefix: "WH", timeZone: "Asia/Shanghai", language: "zh-CN",
            projects: [PropertyProject(code: "WH-LKC", name: "光谷湖畔城")]),
    ])

    static func problems(_ address: PropertyAddress) -> [String] {
        PropertyRegistry(document).validate(address).map { "\($0.path)/\($0.rule)" }
    }

    @Test("a known city with an active project of its own passes")
    func known() {
        #expect(Self.problems(PropertyAddress(city: "shenzhen", project: "SZ-FSG")).isEmpty)
        #expect(Self.problems(PropertyAddress(city: "wuhan", project: "WH-LKC", building: "3", unit: "301")).isEmpty)
    }

    @Test(
        "unknown city, unknown project, a project of another city, an inactive project",
        arguments: [
            (PropertyAddress(city: "atlantis", project: "SZ-FSG"), "property.city/unknown"),
            (PropertyAddress(city: "Shenzhen", project: "SZ-FSG"), "property.city/unknown"),  // codes are exact
            (PropertyAddress(city: "shenzhen", project: "SZ-XXX"), "property.project/unknown"),
            (PropertyAddress(city: "shenzhen", project: "WH-LKC"), "property.project/unknown"),
            (PropertyAddress(city: "shenzhen", project: "SZ-OLD"), "property.project/unknown"),
        ])
    func unknown(address: PropertyAddress, expected: String) {
        #expect(Self.problems(address) == [expected])
    }

    @Test("the registry's document lists cities and projects in code order")
    func documentOrder() {
        let listed = PropertyRegistry(Self.document).document
        #expect(listed.cities.map(\.code) == ["shenzhen", "wuhan"])
        #expect(listed.cities[0].projects.map(\.code) == ["SZ-FSG", "SZ-OLD"])
        #expect(PropertyRegistry(listed) == PropertyRegistry(Self.document))
    }

    @Test("every document rule is reported with its path")
    func documentRules() {
        let bad = PropertyDocument(cities: [
            PropertyCity(
                code: "", name: String(repeating: "n", count: 201), referencePrefix: "sz", timeZone: "Mars/Olympus",
                language: "x", projects: [PropertyProject(code: "P", name: ""), PropertyProject(code: "P", name: "again")]),
            PropertyCity(code: "wuhan", name: "武汉", referencePrefix: "WH", timeZone: "Asia/Shanghai", language: "zh-CN", projects: []),
            PropertyCity(code: "wuhan", name: "武汉", referencePrefix: "WH1", timeZone: "UTC", language: "zh", projects: []),
        ])
        let found = Set(bad.validate().map { "\($0.path)/\($0.rule)" })
        #expect(
            found == [
                "cities[0].code/required", "cities[0].name/max_length", "cities[0].reference_prefix/enum", "cities[0].time_zone/enum",
                "cities[0].language/language_tag", "cities[0].projects[0].name/required", "cities[0].projects[1].code/enum",
                "cities[2].code/enum",
            ])
        #expect(Self.document.validate().isEmpty)
    }

    @Test("a document is parsed from JSON; `active` defaults to true; structural problems are field errors")
    func parsing() throws {
        let json = """
            {"cities":[{"code":"xiamen","name":"厦门","reference_prefix":"XM","time_zone":"Asia/Shanghai","language":"zh-CN",
              "projects":[{"code":"XM-WYW","name":"五缘湾"},{"code":"XM-OLD","name":"旧","active":false}]}]}
            """
        let document = try PropertyDocument.parse(json: Array(json.utf8)).get()
        #expect(document.cities[0].projects.map(\.active) == [true, false])
        let missing = PropertyDocument.parse(json: Array(#"{"cities":[{"code":"x"}]}"#.utf8))
        #expect((try? missing.get()) == nil)
        if case .failure(let errors) = missing {
            #expect(errors.errors.first?.rule == .required)
            #expect(errors.errors.first?.path.hasPrefix("cities[0].") == true)
        }
        if case .failure(let errors) = PropertyDocument.parse(json: Array("{".utf8)) {
            #expect(errors.errors.map(\.rule) == [.json])
        } else {
            Issue.record("malformed JSON must fail")
        }
    }

    @Test("the shipped seed is valid, has 20+ cities, and holds the properties the pipeline tests and examples use")
    func shippedSeed() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Services/Intake/seed/properties.json")
        let document = try PropertyDocument.parse(json: Array(try Data(contentsOf: url))).get()
        #expect(document.cities.count >= 20)
        let prefixes = document.cities.map(\.referencePrefix)
        #expect(Set(prefixes).count == prefixes.count, "one reference prefix per city")
        let registry = PropertyRegistry(document)
        for (city, project) in [("shenzhen", "SZ-FSG"), ("wuhan", "WH-LKC"), ("wuhan", "WH-GV"), ("beijing", "BJ-01"), ("shanghai", "SH-XJH")] {
            #expect(registry.validate(PropertyAddress(city: city, project: project)).isEmpty, "\(city)/\(project)")
        }
        #expect(registry.city("shenzhen")?.referencePrefix == "SZ")
    }
}
