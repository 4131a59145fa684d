import Foundation

/// The cities and projects the load generator draws from, each with a weight (a few large projects take most
/// of the traffic, as in a real portfolio). Intake rejects unknown projects, so in a real stack the catalogue comes
/// from intake's property seed file (see ``load(from:)``).
package struct PropertyCatalogue: Sendable, Hashable {
    /// One project (楼盘/小区) of a city.
    package struct Project: Sendable, Hashable, Codable {
        /// City code, e.g. `shenzhen`.
        package var city: String
        /// Project code, e.g. `SZ-FSG`.
        package var project: String
        /// Number of buildings (units are drawn inside them).
        package var buildings: Int
        /// Relative share of the traffic.
        package var weight: Double
        /// Language most owners of the city write in (`zh-CN` unless told).
        package var language: String

        /// Makes a project.
        package init(city: String, project: String, buildings: Int = 12, weight: Double = 1, language: String = "zh-CN") {
            self.city = city
            self.project = project
            self.buildings = max(1, buildings)
            self.weight = weight > 0 ? weight : 1
            self.language = language
        }

        /// The intake record key, `<city>/<project>`.
        package var key: String { "\(city)/\(project)" }
    }

    /// Every project, in file order.
    package var projects: [Project]

    /// Makes a catalogue.
    /// - Precondition: at least one project.
    package init(projects: [Project]) {
        precondition(!projects.isEmpty, "a property catalogue needs at least one project")
        self.projects = projects
    }

    /// The distinct cities.
    package var cities: Set<String> { Set(projects.map(\.city)) }

    /// Reads a catalogue from a JSON file. Accepted shapes: intake's property registry seed
    /// (`{"cities": [{"code", "language", "projects": [{"code", "active"}]}]}`; inactive projects are left out), or
    /// `{"projects": [...]}` / a top-level array whose elements have `city` and `project` and optional `buildings`,
    /// `weight` and `language`. Projects without a weight get a skewed one by rank (see ``skewedWeight(rank:)``; for
    /// the registry the ranks go round the cities, so every city has a large project).
    package static func load(from url: URL) throws -> PropertyCatalogue {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let projects: [Project]
        if let object = json as? [String: Any], let cities = object["cities"] as? [[String: Any]] {
            projects = try registryProjects(cities, file: url.path)
        } else if let array = (json as? [Any]) ?? ((json as? [String: Any])?["projects"] as? [Any]) {
            projects = try listedProjects(array, file: url.path)
        } else {
            throw CatalogueError("\(url.path): expected intake's {\"cities\": [...]}, {\"projects\": [...]} or an array of projects")
        }
        guard !projects.isEmpty else { throw CatalogueError("\(url.path): no active projects") }
        return PropertyCatalogue(projects: projects)
    }

    private static func registryProjects(_ cities: [[String: Any]], file: String) throws -> [Project] {
        var perCity: [[Project]] = []
        for (index, city) in cities.enumerated() {
            guard let code = city["code"] as? String, !code.isEmpty else { throw CatalogueError("\(file): city \(index) has no \"code\"") }
            let language = city["language"] as? String ?? "zh-CN"
            let projects = (city["projects"] as? [[String: Any]] ?? []).filter { ($0["active"] as? Bool) != false }
            perCity.append(try projects.map { project in
                guard let projectCode = project["code"] as? String, !projectCode.isEmpty else {
                    throw CatalogueError("\(file): a project of \(code) has no \"code\"")
                }
                let buildings = (project["buildings"] as? Int) ?? (project["buildings"] as? [Any])?.count ?? 12
                return Project(city: code, project: projectCode, buildings: buildings, language: language)
            })
        }
        var ordered: [Project] = []
        for round in 0..<(perCity.map(\.count).max() ?? 0) {
            for projects in perCity where round < projects.count { ordered.append(projects[round]) }
        }
        return ordered.enumerated().map { rank, project in
            var weighted = project
            weighted.weight = skewedWeight(rank: rank)
            return weighted
        }
    }

    private static func listedProjects(_ elements: [Any], file: String) throws -> [Project] {
        try elements.enumerated().map { index, element in
            guard let object = element as? [String: Any] else { throw CatalogueError("\(file): project \(index) is not an object") }
            func text(_ keys: String...) -> String? {
                keys.lazy.compactMap { object[$0] as? String }.first { !$0.isEmpty }
            }
            guard let city = text("city", "city_code"), let project = text("project", "project_code", "code") else {
                throw CatalogueError("\(file): project \(index) needs \"city\" and \"project\"")
            }
            let buildings = (object["buildings"] as? Int) ?? (object["buildings"] as? [Any])?.count ?? 12
            let weight = (object["weight"] as? Double) ?? (object["weight"] as? Int).map(Double.init) ?? skewedWeight(rank: index)
            return Project(city: city, project: project, buildings: buildings, weight: weight, language: text("language") ?? "zh-CN")
        }
    }

    /// A Zipf-like weight for the project at `rank` (0 = largest): 1 / (rank + 1)^1.1.
    package static func skewedWeight(rank: Int) -> Double {
        1 / pow(Double(rank + 1), 1.1)
    }

    /// Writes the catalogue as `{"projects": [...]}`.
    package func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(["projects": projects]).write(to: url)
    }
}

/// A catalogue file that cannot be used, with the reason.
package struct CatalogueError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}

extension PropertyCatalogue {
    /// Intake's property seed file in the checkout at `root` (the first JSON file under `Services/Intake/seed/`), if any.
    package static func intakeSeedFile(root: URL) -> URL? {
        let folder = root.appendingPathComponent("Services/Intake/seed")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return nil }
        return names.filter { $0.hasSuffix(".json") }.sorted().first.map { folder.appendingPathComponent($0) }
    }

    /// The catalogue to use: `path` when given, else intake's seed file in the checkout, else ``builtIn``.
    package static func resolve(path: String?, root: URL) throws -> PropertyCatalogue {
        if let path { return try load(from: URL(fileURLWithPath: path)) }
        if let seed = intakeSeedFile(root: root) { return try load(from: seed) }
        return builtIn
    }
}
