import CareLoopContracts
import Testing

@testable import RepairDispatchService

@Suite("Technician profiles (roster file and admin API)")
struct TechnicianProfileTests {
    @Test("a profile reads with defaults and becomes the dispatch rules' technician")
    func decodeAndConvert() throws {
        let json = #"""
            {"id":"CREW-9","name":"Bay Waterproofing Co. crew 2","kind":"vendor_crew","vendor_id":"VEND-BAYWP",
             "skills":["waterproofing"],"zones":[{"project":"SZ-FSG"},{"project":"SZ-BAY","building":"3"}],
             "working_hours":{"start":"09:00","end":"17:30"}}
            """#
        let profile = try CareLoopJSON.decode(TechnicianProfile.self, from: Array(json.utf8))
        #expect(profile.validate().isEmpty)
        #expect(profile.dailyCapacity == 6 && profile.active)
        let technician = profile.technician(defaultOffsetMinutes: 480)
        #expect(technician.acceptanceRequired, "crews accept by default")
        #expect(technician.zones == [.project("SZ-FSG"), .building(project: "SZ-BAY", building: "3")])
        #expect(technician.workingHours == WorkingHours(startMinute: 540, endMinute: 1050, utcOffsetMinutes: 480))
        #expect(profile.eventVendorID == "VEND-BAYWP")
        var own = profile
        own.kind = .technician
        #expect(own.eventVendorID == nil && !own.technician(defaultOffsetMinutes: 480).acceptanceRequired)
    }

    @Test("every broken rule is reported at once")
    func validation() {
        let profile = TechnicianProfile(
            id: "", name: "A", skills: [], zones: [], workingHours: .init(start: "18:00", end: "08:00", utcOffsetMinutes: 2000),
            dailyCapacity: -1)
        let paths = Set(profile.validate().map(\.path))
        #expect(paths == ["id", "skills", "zones", "working_hours.end", "working_hours.utc_offset_minutes", "daily_capacity"])
        let malformed = TechnicianProfile(id: "T", name: "T", skills: [.general], zones: [.init(project: "P")], workingHours: .init(start: "8am"))
        #expect(malformed.validate().map(\.path) == ["working_hours.start"])
    }
}
