/// The trade a repair needs and the warranty component it falls under, read from a case's category, category hint
/// and words.
///
/// Routing's categories are coarse (`engineering.plumbing_hvac`, `engineering.cracks`, `engineering.other`); the
/// category hint (an inspector's checklist item, e.g. `engineering.electrical`) and keywords in the title and
/// description refine them. Every rule is a row of ``rules`` or ``keywordRules``; unknown work is `general` trade and
/// `decoration` (the shortest statutory period, so nobody is promised more than the law gives).
package struct RepairScope: Hashable, Sendable, Codable {
    /// The trade to send.
    package var skill: TechnicianSkill
    /// Whose guarantee period applies.
    package var component: WarrantyComponent

    /// Makes a scope.
    package init(skill: TechnicianSkill, component: WarrantyComponent) {
        self.skill = skill
        self.component = component
    }

    /// The scope of last resort.
    package static let unknown = RepairScope(skill: .general, component: .decoration)

    /// Last segment of a category (`engineering.leakage` → `leakage`) → scope. Ambiguous segments are absent here
    /// and decided by ``keywordRules``.
    static let rules: [String: RepairScope] = [
        "leakage": RepairScope(skill: .waterproofing, component: .waterproofing),
        "waterproofing": RepairScope(skill: .waterproofing, component: .waterproofing),
        "roof": RepairScope(skill: .waterproofing, component: .waterproofing),
        "doors": RepairScope(skill: .carpentry, component: .decoration),
        "wood_floor": RepairScope(skill: .carpentry, component: .decoration),
        "carpentry": RepairScope(skill: .carpentry, component: .decoration),
        "finishing": RepairScope(skill: .finishing, component: .decoration),
        "tiles": RepairScope(skill: .finishing, component: .decoration),
        "paint": RepairScope(skill: .finishing, component: .decoration),
        "windows": RepairScope(skill: .windows, component: .decoration),
        "plumbing": RepairScope(skill: .plumbing, component: .plumbing),
        "drainage": RepairScope(skill: .plumbing, component: .plumbing),
        "electrical": RepairScope(skill: .electrical, component: .electrical),
        "heating": RepairScope(skill: .hvac, component: .heatingCooling),
        "hvac": RepairScope(skill: .hvac, component: .heatingCooling),
        "ventilation": RepairScope(skill: .hvac, component: .heatingCooling),
        "equipment": RepairScope(skill: .general, component: .equipmentInstallation),
        "structure": RepairScope(skill: .general, component: .structure),
    ]

    /// Words (lower-cased, Chinese and English) that decide an ambiguous category, checked in order.
    static let keywordRules: [(words: [String], scope: RepairScope)] = [
        (["结构", "承重", "梁", "柱", "structural", "load-bearing", "beam", "column"], RepairScope(skill: .general, component: .structure)),
        (["暖气", "地暖", "供暖", "空调", "新风", "heating", "radiator", "air condition", "hvac", "ventilat"],
            RepairScope(skill: .hvac, component: .heatingCooling)),
        (["水管", "水龙头", "下水", "堵", "马桶", "pipe", "tap", "faucet", "drain", "toilet", "sink", "plumb"],
            RepairScope(skill: .plumbing, component: .plumbing)),
        (["插座", "开关", "电线", "跳闸", "灯", "socket", "switch", "wiring", "breaker", "electric"],
            RepairScope(skill: .electrical, component: .electrical)),
        (["热水器", "燃气", "煤气", "water heater", "boiler", "appliance"], RepairScope(skill: .general, component: .equipmentInstallation)),
        (["漏水", "渗水", "渗漏", "防水", "leak", "seep", "waterproof"], RepairScope(skill: .waterproofing, component: .waterproofing)),
        (["门", "地板", "door", "floorboard", "wooden floor"], RepairScope(skill: .carpentry, component: .decoration)),
        (["窗", "window"], RepairScope(skill: .windows, component: .decoration)),
        (["裂缝", "空鼓", "瓷砖", "墙面", "涂料", "crack", "tile", "plaster", "paint"], RepairScope(skill: .finishing, component: .decoration)),
    ]

    /// The scope of a repair: the category hint's segment, then the routed category's segment, then keywords in
    /// `title`, `description` and the hint; ``unknown`` when nothing matches.
    package static func classify(category: String, categoryHint: String?, title: String?, description: String?) -> RepairScope {
        for candidate in [categoryHint, category].compactMap({ $0 }) {
            if let scope = rules[lastSegment(of: candidate)] { return scope }
        }
        let text = [title, description, categoryHint].compactMap { $0?.lowercased() }.joined(separator: " ")
        for rule in keywordRules where rule.words.contains(where: { text.contains($0) }) {
            return rule.scope
        }
        return unknown
    }

    private static func lastSegment(of category: String) -> String {
        String(category.lowercased().split(separator: ".").last ?? "")
    }
}
