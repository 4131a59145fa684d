import Foundation

/// Appends manifest entries to a JSONL file as sends complete (one JSON object per line).
package actor ManifestWriter {
    private let handle: FileHandle
    private let encoder: JSONEncoder
    private var buffer = Data()
    /// Entries written so far.
    package private(set) var count = 0

    /// Creates (or truncates) the file at `url`.
    package init(url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Adds entries (buffered; see ``flush()``).
    package func append(_ entries: [ManifestEntry]) throws {
        for entry in entries {
            buffer.append(try encoder.encode(entry))
            buffer.append(0x0A)
        }
        count += entries.count
        if buffer.count > 1 << 20 { try flush() }
    }

    /// Writes what is buffered.
    package func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    package func close() throws {
        try flush()
        try handle.close()
    }
}

/// Reads a manifest written by ``ManifestWriter``.
package enum ManifestReader {
    /// Every entry of the file, in file order; a line that does not decode is an error naming its number.
    package static func read(from url: URL) throws -> [ManifestEntry] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        var entries: [ManifestEntry] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            do {
                entries.append(try decoder.decode(ManifestEntry.self, from: Data(line.utf8)))
            } catch {
                throw ManifestError("\(url.path):\(number + 1): \(error)")
            }
        }
        return entries
    }
}

/// A manifest that cannot be read.
package struct ManifestError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
