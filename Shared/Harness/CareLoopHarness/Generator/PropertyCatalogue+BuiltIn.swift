extension PropertyCatalogue {
    /// A portfolio of 40 projects in 12 cities, largest first (Zipf-like weights): used when no catalogue file
    /// is given and intake has no property seed file.
    package static let builtIn: PropertyCatalogue = {
        let codes: [(city: String, projects: [String])] = [
            ("shenzhen", ["SZ-FSG", "SZ-BAY", "SZ-LHP", "SZ-NSH"]),
            ("shanghai", ["SH-XJH", "SH-PDG", "SH-MHQ", "SH-JDG"]),
            ("beijing", ["BJ-01", "BJ-CYP", "BJ-HDG", "BJ-TZC"]),
            ("guangzhou", ["GZ-TJH", "GZ-PYG", "GZ-BYS"]),
            ("wuhan", ["WH-LKC", "WH-GUG", "WH-HKG"]),
            ("chengdu", ["CD-TFU", "CD-JJG", "CD-WHG", "CD-SLG"]),
            ("hangzhou", ["HZ-XHU", "HZ-BJG", "HZ-YHG"]),
            ("nanjing", ["NJ-JYG", "NJ-XLG", "NJ-QHG"]),
            ("chongqing", ["CQ-YBG", "CQ-JBG", "CQ-NAG"]),
            ("xian", ["XA-QJG", "XA-YTG", "XA-CAG"]),
            ("tianjin", ["TJ-HXG", "TJ-BCG"]),
            ("suzhou", ["SU-GYG", "SU-WZG", "SU-XCG"]),
        ]
        // Interleave cities so the largest projects are spread over several cities.
        var ordered: [(String, String)] = []
        for round in 0..<4 {
            for entry in codes where round < entry.projects.count { ordered.append((entry.city, entry.projects[round])) }
        }
        return PropertyCatalogue(
            projects: ordered.enumerated().map { rank, pair in
                Project(city: pair.0, project: pair.1, buildings: 6 + (rank * 7) % 19, weight: skewedWeight(rank: rank))
            })
    }()
}
