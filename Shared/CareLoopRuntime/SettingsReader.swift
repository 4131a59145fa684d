import CareLoopContracts
import Foundation
import Configuration

/// A setting that is missing or cannot be used; start-up stops with its one-line description.
package struct InvalidSettingError: Error, CustomStringConvertible, Sendable {
    /// The configuration key, e.g. `kafka.bootstrapServers`.
    package var key: String
    /// What was wrong and what is expected.
    package var problem: String

    package init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    /// The environment variable that sets `key`.
    package var environmentVariable: String { SettingsReader.environmentVariable(for: key) }

    package var description: String {
        "invalid setting \(key) (\(environmentVariable)): \(problem)"
    }
}

/// Typed, validated access to configuration: defaults < JSON file < `CARELOOP_*` environment variables.
///
/// Every getter throws `InvalidSettingError` naming the setting when a value is present but unusable,
/// so a typo never silently falls back to a default.
package struct SettingsReader: Sendable {
    package let reader: ConfigReader

    package init(reader: ConfigReader) {
        self.reader = reader
    }

    /// The environment variable for a dotted camel-case key: `kafka.bootstrapServers` → `CARELOOP_KAFKA_BOOTSTRAP_SERVERS`.
    package static func environmentVariable(for key: String) -> String {
        var name = "CARELOOP"
        for component in key.split(separator: ".") {
            name += "_"
            var previousLowercase = false
            for character in component {
                if character.isUppercase && previousLowercase { name += "_" }
                name += character.isLetter || character.isNumber ? character.uppercased() : "_"
                previousLowercase = character.isLowercase
            }
        }
        return name
    }

    /// A string setting, or `defaultValue`; empty strings count as unset.
    package func string(_ key: String, default defaultValue: String, secret: Bool = false) -> String {
        optionalString(key, secret: secret) ?? defaultValue
    }

    /// A string setting that must be present and non-empty.
    package func requiredString(_ key: String, secret: Bool = false) throws(InvalidSettingError) -> String {
        guard let value = optionalString(key, secret: secret) else {
            throw InvalidSettingError(key: key, problem: "required, not set")
        }
        return value
    }

    /// A string setting, or `nil` when unset or empty.
    package func optionalString(_ key: String, secret: Bool = false) -> String? {
        if let value = reader.string(forKey: ConfigKey(key), isSecret: secret) {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        if let number = reader.int(forKey: ConfigKey(key)) { return String(number) }
        return nil
    }

    /// An integer setting within `range`, or `defaultValue`.
    package func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws(InvalidSettingError) -> Int {
        let value: Int
        if let number = reader.int(forKey: ConfigKey(key)) {
            value = number
        } else if let text = optionalString(key) {
            guard let number = Int(text) else { throw InvalidSettingError(key: key, problem: "'\(text)' is not a whole number") }
            value = number
        } else {
            return defaultValue
        }
        guard range.contains(value) else {
            throw InvalidSettingError(key: key, problem: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A boolean setting (`true`/`false`, `1`/`0`, `yes`/`no`), or `defaultValue`.
    package func bool(_ key: String, default defaultValue: Bool) throws(InvalidSettingError) -> Bool {
        if let flag = reader.bool(forKey: ConfigKey(key)) { return flag }
        guard let text = optionalString(key)?.lowercased() else { return defaultValue }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw InvalidSettingError(key: key, problem: "'\(text)' is not true or false")
        }
    }

    /// A duration given in milliseconds, within `range` (milliseconds), or `defaultValue`.
    package func milliseconds(_ key: String, default defaultValue: Duration, range: ClosedRange<Int>) throws(InvalidSettingError) -> Duration {
        .milliseconds(try int(key, default: Int(defaultValue.wholeMilliseconds), range: range))
    }

    /// One of `choices`, or `defaultValue`.
    package func choice(_ key: String, default defaultValue: String, choices: [String]) throws(InvalidSettingError) -> String {
        let value = string(key, default: defaultValue)
        guard choices.contains(value) else {
            throw InvalidSettingError(key: key, problem: "'\(value)' is not one of \(choices.joined(separator: ", "))")
        }
        return value
    }

    /// A list of `name=value` pairs separated by commas (or a JSON array of such strings).
    package func properties(_ key: String) throws(InvalidSettingError) -> [String: String] {
        let entries: [String]
        if let array = reader.stringArray(forKey: ConfigKey(key)) {
            entries = array
        } else if let text = optionalString(key) {
            entries = text.split(separator: ",").map(String.init)
        } else {
            return [:]
        }
        var result: [String: String] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw InvalidSettingError(key: key, problem: "'\(entry)' is not name=value")
            }
            result[parts[0]] = parts[1]
        }
        return result
    }
}
