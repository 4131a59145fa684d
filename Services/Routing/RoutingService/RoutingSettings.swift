import CareLoopContracts
import CareLoopRuntime
import Foundation

/// Routing's own settings (keys under `routing.`), read once at start-up.
///
/// | key | default |
/// |---|---|
/// | `routing.rulesFile` | `Services/Routing/rules/classification.v1.json` (relative to the working directory, else next to this source tree) |
/// | `routing.rulesReloadIntervalMs` | `5000` (0 = never reload) |
/// | `routing.calendarFile` | none: every city uses Mon–Fri 09:00–12:00, 13:30–18:00 in `routing.timeZone` |
/// | `routing.timeZone` | `Asia/Shanghai` |
/// | `routing.policyFile` | none (see ``RoutingPolicyFile``) |
/// | `routing.groupIncident.distinctOwners` | `5` |
/// | `routing.groupIncident.windowHours` | `72` |
/// | `routing.groupIncident.commander` | `customer_relations_lead` |
/// | `routing.escalationChain` | `team_lead,project_manager,city_customer_relations_lead,group` |
/// | `routing.callback.satisfiedScore` | `4` |
/// | `routing.timers.batchSize` | `500` |
/// | `routing.timers.pollIntervalMs` | `1000` |
/// | `routing.timers.sweepAfterMs` | `0` |
struct RoutingSettings {
    var rules: RoutingRules
    var rulesPath: String
    /// The rule file as loaded, for the watcher.
    var rulesStamp: RuleFileWatcher.Stamp?
    var rulesReloadInterval: Duration?
    var timers = SLATimerWorker.Configuration()

    init(settings: SettingsReader) throws {
        rulesPath = try Self.locate(
            settings.optionalString("routing.rulesFile"), fallback: "Services/Routing/rules/classification.v1.json",
            key: "routing.rulesFile")
        rulesStamp = RuleFileWatcher.stamp(of: rulesPath)
        let classifier: Classifier
        do {
            classifier = try RuleFileWatcher.load(rulesPath)
        } catch let error as InvalidClassificationRuleSet {
            throw InvalidSettingError(key: "routing.rulesFile", problem: "invalid rule set: \(error)")
        } catch {
            throw InvalidSettingError(key: "routing.rulesFile", problem: "cannot read rules from '\(rulesPath)': \(error)")
        }
        let reload = try settings.int("routing.rulesReloadIntervalMs", default: 5000, range: 0...3_600_000)
        rulesReloadInterval = reload == 0 ? nil : .milliseconds(reload)

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

        let owners = try settings.int("routing.groupIncident.distinctOwners", default: 5, range: 2...1000)
        let hours = try settings.int("routing.groupIncident.windowHours", default: 72, range: 1...8760)
        let commander = settings.string("routing.groupIncident.commander", default: "customer_relations_lead")
        var chain = EscalationChain.standard
        if let text = settings.optionalString("routing.escalationChain") {
            guard let parsed = EscalationChain(roles: text.split(separator: ",").map(String.init)) else {
                throw InvalidSettingError(key: "routing.escalationChain", problem: "'\(text)': 1 to 10 distinct roles separated by commas")
            }
            chain = parsed
        }
        rules.casePolicies.defaults = CasePolicy(
            groupIncident: GroupIncidentThresholds(distinctOwners: owners, window: .seconds(hours * 3600)), commander: commander,
            escalationChain: chain)
        rules.callbackSatisfiedScore = try settings.int("routing.callback.satisfiedScore", default: 4, range: 1...5)

        if let path = settings.optionalString("routing.policyFile") {
            let file: RoutingPolicyFile
            do {
                file = try JSONDecoder().decode(RoutingPolicyFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw InvalidSettingError(key: "routing.policyFile", problem: "cannot read '\(path)': \(error)")
            }
            do {
                try file.apply(to: &rules)
            } catch {
                throw InvalidSettingError(key: "routing.policyFile", problem: "'\(path)': \(error)")
            }
        }

        timers.batchSize = try settings.int("routing.timers.batchSize", default: timers.batchSize, range: 1...10_000)
        timers.pollInterval = try settings.milliseconds("routing.timers.pollIntervalMs", default: timers.pollInterval, range: 10...600_000)
        timers.sweepAfter = try settings.milliseconds("routing.timers.sweepAfterMs", default: timers.sweepAfter, range: 0...86_400_000)
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
