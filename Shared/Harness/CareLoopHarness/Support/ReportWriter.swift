import Foundation

/// Writes a report as `<name>.json` (sorted keys, RFC 3339 dates) and `<name>.txt` in a folder.
package enum ReportWriter {
    /// Writes `value` and `text`; returns the JSON file's URL.
    @discardableResult
    package static func write(_ value: some Encodable, text: String, to folder: URL, name: String) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let json = folder.appendingPathComponent("\(name).json")
        try encoder.encode(value).write(to: json)
        try Data((text + "\n").utf8).write(to: folder.appendingPathComponent("\(name).txt"))
        return json
    }
}
