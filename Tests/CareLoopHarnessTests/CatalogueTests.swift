import CareLoopHarness
import Foundation
import Testing

@Suite("Property catalogue: intake's registry seed, plain lists, skewed weights")
struct CatalogueTests {
    private func write(_ json: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test("intake's registry format: active projects only, ranks going round the cities")
    func registry() throws {
        let url = try write("""
            {"cities": [
              {"code": "shenzhen", "language": "zh-CN", "projects": [{"code": "SZ-A"}, {"code": "SZ-B"}, {"code": "SZ-OLD", "active": false}]},
              {"code": "hongkong", "language": "en", "projects": [{"code": "HK-A"}]}
            ]}
            """)
        defer { try? FileManager.default.removeItem(at: url) }
        let catalogue = try PropertyCatalogue.load(from: url)
        #expect(catalogue.projects.map(\.key) == ["shenzhen/SZ-A", "hongkong/HK-A", "shenzhen/SZ-B"])
        #expect(catalogue.projects.map(\.language) == ["zh-CN", "en", "zh-CN"])
        let weights = catalogue.projects.map(\.weight)
        #expect(weights == weights.sorted(by: >) && weights[0] > weights[2] * 2)
    }

    @Test("the checkout's intake seed file loads")
    func checkoutSeed() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let seed = try #require(PropertyCatalogue.intakeSeedFile(root: root), "no Services/Intake/seed/*.json")
        let catalogue = try PropertyCatalogue.load(from: seed)
        #expect(catalogue.cities.count >= 5 && catalogue.projects.count >= 20)
    }

    @Test("a plain list with weights, and errors that name the file")
    func list() throws {
        let url = try write(#"[{"city": "wuhan", "project": "WH-1", "weight": 5, "buildings": 3}, {"city": "wuhan", "project": "WH-2"}]"#)
        defer { try? FileManager.default.removeItem(at: url) }
        let catalogue = try PropertyCatalogue.load(from: url)
        #expect(catalogue.projects[0].weight == 5 && catalogue.projects[0].buildings == 3)
        #expect(catalogue.projects[1].weight == PropertyCatalogue.skewedWeight(rank: 1))
        let broken = try write(#"[{"city": "wuhan"}]"#)
        defer { try? FileManager.default.removeItem(at: broken) }
        #expect(throws: CatalogueError.self) { try PropertyCatalogue.load(from: broken) }
    }
}
