import CareLoopContracts
import Foundation

/// A snapshot of the cities and projects intake knows, to check submissions against and to look up a city's
/// reference prefix, time zone and default language.
package struct PropertyRegistry: Sendable, Hashable {
    private var cities: [String: Entry]

    private struct Entry: Hashable, Sendable {
        var city: PropertyCity
        var activeProjects: Set<String>
    }

    /// A registry of `document`'s cities (a later city with the same code replaces an earlier one).
    package init(_ document: PropertyDocument) {
        var cities: [String: Entry] = [:]
        for city in document.cities {
            cities[city.code] = Entry(city: city, activeProjects: Set(city.projects.filter(\.active).map(\.code)))
        }
        self.cities = cities
    }

    /// The whole registry as a document, cities and projects sorted by code.
    package var document: PropertyDocument {
        PropertyDocument(
            cities: cities.values.map(\.city).sorted { $0.code < $1.code }.map { city in
                var sorted = city
                sorted.projects.sort { $0.code < $1.code }
                return sorted
            })
    }

    /// The city with `code`, if known.
    package func city(_ code: String) -> PropertyCity? {
        cities[code]?.city
    }

    /// Whether the registry knows no city at all.
    package var isEmpty: Bool { cities.isEmpty }

    /// `unknown` at `property.city` for a city it does not know, else at `property.project` for a project that is not
    /// an active project of that city; nothing when both are known.
    package func validate(_ property: PropertyAddress) -> [FieldError] {
        guard let entry = cities[property.city] else {
            return [FieldError(path: "property.city", rule: .unknown, message: "'\(property.city.prefix(64))' is not a city CareLoop serves")]
        }
        guard entry.activeProjects.contains(property.project) else {
            let message = "'\(property.project.prefix(64))' is not an active project of \(property.city)"
            return [FieldError(path: "property.project", rule: .unknown, message: message)]
        }
        return []
    }
}
