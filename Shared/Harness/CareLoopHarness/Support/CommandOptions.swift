import Foundation

/// `--key value` options and `--flag`s of a `careloop-harness` subcommand, with typed getters that name the option
/// in their error.
package struct CommandOptions: Sendable {
    private var values: [String: String] = [:]

    /// Parses `words`; a word that is not an option or an option's value is a usage error.
    package init(_ words: [String]) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            guard word.hasPrefix("--"), word.count > 2 else { throw UsageError("unexpected argument '\(word)'") }
            let key = String(word.dropFirst(2))
            if index + 1 < words.count, !words[index + 1].hasPrefix("--") {
                values[key] = words[index + 1]
                index += 2
            } else {
                values[key] = "true"
                index += 1
            }
        }
    }

    /// A string option.
    package func string(_ key: String) -> String? { values[key] }

    /// Whether a flag (or any value) is present.
    package func flag(_ key: String) -> Bool { values[key] != nil }

    /// An integer option (`_` allowed as a digit separator).
    package func int(_ key: String) throws -> Int? {
        guard let raw = values[key] else { return nil }
        guard let value = Int(raw.replacingOccurrences(of: "_", with: "")) else { throw UsageError("--\(key) must be an integer, got '\(raw)'") }
        return value
    }

    /// A number option.
    package func double(_ key: String) throws -> Double? {
        guard let raw = values[key] else { return nil }
        guard let value = Double(raw) else { throw UsageError("--\(key) must be a number, got '\(raw)'") }
        return value
    }

    /// A share in `0...1`.
    package func share(_ key: String) throws -> Double? {
        guard let value = try double(key) else { return nil }
        guard (0...1).contains(value) else { throw UsageError("--\(key) must be between 0 and 1, got \(value)") }
        return value
    }

    /// A duration given in seconds (`90`, `1.5`) or with a unit (`500ms`, `90s`, `10m`).
    package func duration(_ key: String) throws -> Duration? {
        guard let raw = values[key] else { return nil }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let (number, scale) = units.first { raw.hasSuffix($0.0) }.map { (String(raw.dropLast($0.0.count)), $0.1) } ?? (raw, 1)
        guard let value = Double(number), value >= 0 else { throw UsageError("--\(key) must be a duration like 90, 90s or 10m, got '\(raw)'") }
        return .milliseconds(Int64(value * scale * 1000))
    }

    /// Every option given, for checking against the known ones.
    package var keys: Set<String> { Set(values.keys) }

    /// Throws for an option not in `known`.
    package func requireOnly(_ known: Set<String>) throws {
        if let unknown = keys.subtracting(known).sorted().first { throw UsageError("unknown option --\(unknown)") }
    }
}

/// A command-line mistake: printed with the usage, exit code 64.
package struct UsageError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
