import Logging

/// How logs are written: `text` for people, `json` for log shippers.
package enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// Installs the process-wide log handler once, at start-up.
package enum LoggingSetup {
    /// Bootstraps swift-log with the chosen format and level, tagging every line with the service name.
    package static func bootstrap(service: String, format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch format {
            case .text: handler = StreamLogHandler.standardError(label: label)
            case .json: handler = JSONLogHandler(label: label)
            }
            handler.logLevel = level
            handler[metadataKey: "service"] = .string(service)
            return handler
        }
    }
}
