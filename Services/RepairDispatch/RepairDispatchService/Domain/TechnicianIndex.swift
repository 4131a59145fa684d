/// Technicians pre-indexed by skill and zone, so choosing among thousands looks only at plausible candidates.
///
/// Build it once when the roster changes and share it (it is an immutable value).
package struct TechnicianIndex: Sendable {
    private struct Key: Hashable {
        var skill: TechnicianSkill
        var zone: ServiceZone
    }

    /// Every technician, in roster order.
    package let technicians: [Technician]
    private let positions: [Key: [Int]]

    /// Indexes `technicians`.
    package init(_ technicians: [Technician]) {
        self.technicians = technicians
        var positions: [Key: [Int]] = [:]
        for (position, technician) in technicians.enumerated() {
            for skill in technician.skills {
                for zone in technician.zones {
                    positions[Key(skill: skill, zone: zone), default: []].append(position)
                }
            }
        }
        self.positions = positions
    }

    /// Technicians with `skill` covering `building` of `project` (either the whole project or that building),
    /// each once.
    package func candidates(skill: TechnicianSkill, project: String, building: String?) -> [Technician] {
        var found = positions[Key(skill: skill, zone: .project(project))] ?? []
        if let building, let inBuilding = positions[Key(skill: skill, zone: .building(project: project, building: building))] {
            found.append(contentsOf: inBuilding)
            found = Array(Set(found)).sorted()
        }
        return found.map { technicians[$0] }
    }
}
