import Logging

/// Log level and format (`log.level`, `log.format`).
package struct LoggingSettings: Sendable {
    package var level: Logger.Level = .info
    package var format: LogFormat = .text

    package init() {}

    /// Reads `log.level` (trace…critical, default info) and `log.format` (text or json, default text).
    package init(settings: SettingsReader) throws(InvalidSettingError) {
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        level = Logger.Level(rawValue: try settings.choice("log.level", default: "info", choices: levels)) ?? .info
        format = LogFormat(rawValue: try settings.choice("log.format", default: "text", choices: LogFormat.allCases.map(\.rawValue))) ?? .text
    }
}
