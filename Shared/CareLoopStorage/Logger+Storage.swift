import Logging

extension Logger {
    /// A logger that drops everything: the default where a storage call takes an optional logger.
    package static let storageSilent = Logger(label: "careloop.storage", factory: { _ in SwiftLogNoOpLogHandler() })
}
