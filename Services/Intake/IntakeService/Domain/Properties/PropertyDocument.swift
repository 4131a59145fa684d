import CareLoopContracts
import Foundation

/// The cities and projects intake knows, as written in the seed file (`intake.propertySeedFile`) and in the body
/// of `PUT /v1/properties`: `{ "cities": [ { "code", "name", "reference_prefix", "time_zone", "language",
/// "projects": [ { "code", "name", "active" } ] } ] }`.
package struct PropertyDocument: Codable, Hashable, Sendable {
    /// The cities, each with its projects.
    package var cities: [PropertyCity]

    /// Makes a document.
    package init(cities: [PropertyCity]) {
        self.cities = cities
    }

    /// Decodes and validates untrusted JSON, reporting every rule it breaks (decoding stops at the first
    /// structural problem, which is then the only error).
    package static func parse(json: some Collection<UInt8>) -> Result<PropertyDocument, ValidationErrors> {
        let document: PropertyDocument
        do {
            document = try CareLoopJSON.decode(PropertyDocument.self, from: json)
        } catch let error as DecodingError {
            return .failure(ValidationErrors([error.fieldError]))
        } catch {
            return .failure(ValidationErrors([FieldError(path: FieldPath.root, rule: .json, message: "is not valid JSON")]))
        }
        let errors = document.validate()
        return errors.isEmpty ? .success(document) : .failure(ValidationErrors(errors))
    }

    /// Every rule broken: codes non-blank and ≤ 64 characters, unique city codes and project codes per city,
    /// names ≤ 200 characters, a reference prefix of 1–8 ASCII capitals or digits starting with a letter, a known
    /// IANA time zone, a language tag.
    package func validate() -> [FieldError] {
        var validator = FieldValidator()
        var cityCodes: Set<String> = []
        for (cityIndex, city) in cities.enumerated() {
            let cityPath = FieldPath.element(cityIndex, of: "cities")
            func member(_ name: String) -> String { FieldPath.member(name, of: cityPath) }
            validator.requireText(city.code, at: member("code"), maxLength: FieldLimits.identifier)
            if !cityCodes.insert(city.code).inserted {
                validator.report(member("code"), .enum, "city '\(city.code)' is listed twice")
            }
            validator.requireText(city.name, at: member("name"), maxLength: Self.nameLength)
            if !CaseReference.isValidPrefix(city.referencePrefix) {
                validator.report(member("reference_prefix"), .enum, "must be 1 to 8 capital letters or digits, starting with a letter")
            }
            if TimeZone(identifier: city.timeZone) == nil {
                validator.report(member("time_zone"), .enum, "'\(city.timeZone.prefix(64))' is not an IANA time zone")
            }
            validator.languageTag(city.language, at: member("language"))
            var projectCodes: Set<String> = []
            for (projectIndex, project) in city.projects.enumerated() {
                let projectPath = FieldPath.element(projectIndex, of: member("projects"))
                validator.requireText(project.code, at: FieldPath.member("code", of: projectPath), maxLength: FieldLimits.identifier)
                if !projectCodes.insert(project.code).inserted {
                    validator.report(FieldPath.member("code", of: projectPath), .enum, "project '\(project.code)' is listed twice")
                }
                validator.requireText(project.name, at: FieldPath.member("name", of: projectPath), maxLength: Self.nameLength)
            }
        }
        return validator.errors
    }

    /// Longest city or project name.
    static let nameLength = 200
}

/// A city CareLoop serves.
package struct PropertyCity: Codable, Hashable, Sendable {
    /// The code submissions use in `property.city`, e.g. `shenzhen`.
    package var code: String
    /// Display name, e.g. `深圳`.
    package var name: String
    /// The prefix of the city's case references, e.g. `SZ` in `SZ-2026-000123`.
    package var referencePrefix: String
    /// IANA time zone: the reference year and owners' lifecycle stages are counted in it.
    package var timeZone: String
    /// Language of owners who name none, e.g. `zh-CN`.
    package var language: String
    /// The city's projects.
    package var projects: [PropertyProject]

    /// Makes a city.
    package init(code: String, name: String, referencePrefix: String, timeZone: String, language: String, projects: [PropertyProject]) {
        self.code = code
        self.name = name
        self.referencePrefix = referencePrefix
        self.timeZone = timeZone
        self.language = language
        self.projects = projects
    }

    enum CodingKeys: String, CodingKey {
        case code, name, language, projects
        case referencePrefix = "reference_prefix"
        case timeZone = "time_zone"
    }
}

/// A project (楼盘/小区) of a city.
package struct PropertyProject: Codable, Hashable, Sendable {
    /// The code submissions use in `property.project`, e.g. `SZ-FSG`.
    package var code: String
    /// Display name, e.g. `四季花城`.
    package var name: String
    /// Whether intake accepts submissions for it (`false` for a project handed over to another company).
    package var active: Bool

    /// Makes a project.
    package init(code: String, name: String, active: Bool = true) {
        self.code = code
        self.name = name
        self.active = active
    }

    /// Decodes a project; `active` defaults to `true`.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        name = try container.decode(String.self, forKey: .name)
        active = try container.decodeIfPresent(Bool.self, forKey: .active) ?? true
    }

    enum CodingKeys: String, CodingKey {
        case code, name, active
    }
}
