import Foundation

/// One benchmark scenario of `careloop-bench`: prints its figures to standard output and returns.
protocol BenchScenario {
    /// The subcommand name, e.g. `timers`.
    static var name: String { get }
    /// One line for `careloop-bench --help`.
    static var summary: String { get }
    /// Runs the scenario; `arguments` are the words after the subcommand (`--key value` pairs).
    static func run(arguments: BenchArguments) async throws
}

/// `--key value` options of a scenario, with defaults and a clear message for a bad value.
struct BenchArguments {
    private var values: [String: String] = [:]

    init(_ words: [String]) throws {
        var index = 0
        while index < words.count {
            let word = words[index]
            guard word.hasPrefix("--") else { throw BenchUsageError("unexpected argument '\(word)'") }
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

    /// An integer option, or `defaultValue` when absent.
    func int(_ key: String, default defaultValue: Int) throws -> Int {
        guard let raw = values[key] else { return defaultValue }
        guard let value = Int(raw.replacingOccurrences(of: "_", with: "")) else {
            throw BenchUsageError("--\(key) must be an integer, got '\(raw)'")
        }
        return value
    }

    /// A floating-point option, or `defaultValue` when absent.
    func double(_ key: String, default defaultValue: Double) throws -> Double {
        guard let raw = values[key] else { return defaultValue }
        guard let value = Double(raw) else { throw BenchUsageError("--\(key) must be a number, got '\(raw)'") }
        return value
    }

    /// A string option, or `defaultValue` when absent.
    func string(_ key: String, default defaultValue: String) -> String {
        values[key] ?? defaultValue
    }

    /// A string option that may be absent.
    func optionalString(_ key: String) -> String? {
        values[key]
    }
}

/// A usage mistake: printed as one line, exit code 64.
struct BenchUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
