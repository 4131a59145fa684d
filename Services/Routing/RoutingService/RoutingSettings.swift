import CareLoopRuntime
import Foundation

/// Routing's own settings (keys under `routing.`), read once at start-up.
///
/// | key | default |
/// |---|---|
/// | `routing.rulesFile` | `Services/Routing/rules/classification.v1.json` (relative to the working directory, else next to this source tree) |
/// | `routing.calendarFile` | none: every city uses Mon–Fri 09:00–12:00, 13:30–18:00 in `routing.timeZone` |
/// | `routing.timeZone` | `Asia/Shanghai` |
struct RoutingSettings {
    var rules: RoutingRules

    init(settings: SettingsReader) throws {
        let rulesPath = try Self.locate(
            settings.optionalString("routing.rulesFile"), fallback: "Services/Routing/rules/classification.v1.json",
            key: "routing.rulesFile")
        let ruleSet: ClassificationRuleSet
        do {
            ruleSet = try JSONDecoder().decode(ClassificationRuleSet.self, from: Data(contentsOf: URL(fileURLWithPath: rulesPath)))
        } catch {
            throw InvalidSettingError(key: "routing.rulesFile", problem: "cannot read rules from '\(rulesPath)': \(error)")
        }
        let classifier: Classifier
        do {
            classifier = try Classifier(ruleSet: ruleSet)
        } catch {
            throw InvalidSettingError(key: "routing.rulesFile", problem: "invalid rule set: \(error)")
        }
        let timeZone = settings.string("routing.timeZone", default: "Asia/Shanghai")
        let defaultCalendar: BusinessCalendar
        do {
            defaultCalendar = try BusinessCalendar(.weekdays(timeZone: timeZone, hours: ["09:00-12:00", "13:30-18:00"]))
        } catch {
            throw InvalidSettingError(key: "routing.timeZone", problem: "\(error)")
        }
        rules = RoutingRules(classifier: classifier, defaultCalendar: defaultCalendar)
        if let path = settings.optionalString("routing.calendarFile") {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                rules.calendars = try JSONDecoder().decode([String: BusinessCalendar].self, from: data)
            } catch {
                throw InvalidSettingError(key: "routing.calendarFile", problem: "cannot read city calendars from '\(path)': \(error)")
            }
        }
    }

    /// The configured path, or the default relative to the working directory or to this source tree.
    private static func locate(_ configured: String?, fallback: String, key: String) throws -> String {
        if let configured { return configured }
        if FileManager.default.fileExists(atPath: fallback) { return fallback }
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("rules/classification.v1.json").path
        guard FileManager.default.fileExists(atPath: sourceTree) else {
            throw InvalidSettingError(key: key, problem: "not set and '\(fallback)' does not exist")
        }
        return sourceTree
    }
}
