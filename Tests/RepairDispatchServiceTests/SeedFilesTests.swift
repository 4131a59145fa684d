import CareLoopRuntime
import CareLoopTestSupport
import Foundation
import Testing

@testable import RepairDispatchService

/// The seed files that `make up` and the container image give repair dispatch.
@Suite("Repair dispatch seed files")
struct SeedFilesTests {
    @Test("the shipped roster and delivery dates load, and every active registry project has someone for every trade")
    func shippedSeedsLoad() throws {
        let root = ServiceProcess.repositoryRoot
        let settings = try RepairDispatchSettings(
            settings: SettingsLoader.inMemory([
                "repairDispatch.techniciansFile": root.appendingPathComponent("Services/RepairDispatch/seed/technicians.json").path,
                "repairDispatch.projectsFile": root.appendingPathComponent("Services/RepairDispatch/seed/projects.json").path,
            ]))
        // The active projects of intake's registry seed.
        let registry = try JSONSerialization.jsonObject(
            with: Data(contentsOf: root.appendingPathComponent("Services/Intake/seed/properties.json"))) as? [String: Any]
        let cities = registry?["cities"] as? [[String: Any]] ?? []
        let active = cities.flatMap { $0["projects"] as? [[String: Any]] ?? [] }
            .filter { ($0["active"] as? Bool) ?? true }.compactMap { $0["code"] as? String }
        #expect(active.count > 50)
        for project in active {
            let skills = Set(
                settings.seedTechnicians.filter { $0.active && $0.zones.contains { $0.project == project } }.flatMap(\.skills))
            #expect(skills.isSuperset(of: TechnicianSkill.allCases), "\(project) lacks \(Set(TechnicianSkill.allCases).subtracting(skills))")
            #expect(settings.seedProjects.contains { $0.project == project && $0.deliveredOn != nil }, "\(project) has no delivery date")
        }
        #expect(Set(settings.seedTechnicians.map(\.id)).count == settings.seedTechnicians.count, "technician ids are unique")
    }
}
