import Configuration
import Foundation
import SystemPackage

/// Builds the process's configuration: `CARELOOP_*` environment variables over an optional JSON file
/// (`CARELOOP_CONFIG_FILE`) over the defaults written next to each setting.
package enum SettingsLoader {
    /// Loads settings for a process; `environment` is injectable for tests.
    package static func load(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> SettingsReader {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ["careloop"])
        ]
        if let path = environment["CARELOOP_CONFIG_FILE"], !path.isEmpty {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
            } catch {
                throw InvalidSettingError(key: "config.file", problem: "cannot read JSON file '\(path)': \(error)")
            }
        }
        return SettingsReader(reader: ConfigReader(providers: providers))
    }

    /// Settings from in-memory values only (tests): keys as in the JSON file, e.g. `kafka.bootstrapServers`.
    package static func inMemory(_ values: [String: String]) -> SettingsReader {
        let content = Dictionary(uniqueKeysWithValues: values.map { (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(stringLiteral: $0.value)) })
        return SettingsReader(reader: ConfigReader(provider: InMemoryProvider(values: content)))
    }
}
