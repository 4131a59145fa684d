import Testing

@testable import RepairDispatchService

@Suite("Repair scope: trade and warranty component from a case")
struct RepairScopeTests {
    @Test(
        "routing's categories and inspectors' hints map to a trade and a component",
        arguments: [
            ("engineering.leakage", nil, RepairScope(skill: .waterproofing, component: .waterproofing)),
            ("engineering.doors", nil, RepairScope(skill: .carpentry, component: .decoration)),
            ("engineering.finishing", nil, RepairScope(skill: .finishing, component: .decoration)),
            ("engineering.windows", nil, RepairScope(skill: .windows, component: .decoration)),
            ("engineering.plumbing_hvac", "engineering.plumbing", RepairScope(skill: .plumbing, component: .plumbing)),
            ("engineering.plumbing_hvac", "engineering.electrical", RepairScope(skill: .electrical, component: .electrical)),
            ("engineering.plumbing_hvac", "engineering.heating", RepairScope(skill: .hvac, component: .heatingCooling)),
            ("engineering.other", "engineering.waterproofing", RepairScope(skill: .waterproofing, component: .waterproofing)),
        ] as [(String, String?, RepairScope)])
    func categories(category: String, hint: String?, expected: RepairScope) {
        #expect(RepairScope.classify(category: category, categoryHint: hint, title: nil, description: nil) == expected)
    }

    @Test(
        "ambiguous categories are decided by words, Chinese or English",
        arguments: [
            ("engineering.plumbing_hvac", "Kitchen tap leaking under the sink", RepairScope(skill: .plumbing, component: .plumbing)),
            ("engineering.plumbing_hvac", "地暖不热", RepairScope(skill: .hvac, component: .heatingCooling)),
            ("engineering.plumbing_hvac", "卧室插座没电", RepairScope(skill: .electrical, component: .electrical)),
            ("engineering.cracks", "客厅墙面裂缝", RepairScope(skill: .finishing, component: .decoration)),
            ("engineering.cracks", "承重墙出现裂缝", RepairScope(skill: .general, component: .structure)),
            ("engineering.other", "卫生间天花板渗水", RepairScope(skill: .waterproofing, component: .waterproofing)),
            ("engineering.other", "燃气热水器打不着火", RepairScope(skill: .general, component: .equipmentInstallation)),
        ] as [(String, String, RepairScope)])
    func keywords(category: String, text: String, expected: RepairScope) {
        #expect(RepairScope.classify(category: category, categoryHint: nil, title: nil, description: text) == expected)
    }

    @Test("nothing recognisable: general trade, decoration period (the shortest)")
    func unknown() {
        #expect(RepairScope.classify(category: "other.external", categoryHint: nil, title: "?", description: "something") == .unknown)
        #expect(RepairScope.unknown == RepairScope(skill: .general, component: .decoration))
    }
}
