import CRdKafka
import Foundation

/// The librdkafka this process loaded, which hosts the mock cluster: Debian's, or the build of
/// `scripts/devbroker-librdkafka.sh` with CareLoop's mock patch (the dev broker's run path prefers it).
package struct MockLibrary: Sendable, Codable, Hashable {
    /// The loaded shared object's path.
    package var path: String
    /// `rd_kafka_version_str()`.
    package var version: String
    /// The build's stamp (`<version> <SHA-256 of the patch>`) when the library was built with CareLoop's mock patch.
    package var patch: String?

    /// The library loaded in this process (it cannot change while the process runs: read it once).
    package static var loaded: MockLibrary {
        let version = String(cString: rd_kafka_version_str())
        let path = loadedPath() ?? "unknown"
        let stamp = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("PATCH")
        let patch = (try? String(contentsOf: stamp, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return MockLibrary(path: path, version: version, patch: patch.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The file of the `librdkafka.so` mapped into this process (`/proc/self/maps`), symlinks resolved.
    private static func loadedPath() -> String? {
        // Read to the end: files in /proc report a size of 0.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return nil }
        let maps = String(decoding: data, as: UTF8.self)
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let file = String(line[slash...])
            if URL(fileURLWithPath: file).lastPathComponent.hasPrefix("librdkafka.so") {
                return URL(fileURLWithPath: file).resolvingSymlinksInPath().path
            }
        }
        return nil
    }

    /// One line for logs and reports, e.g. `librdkafka 2.0.2 with CareLoop's mock patch (/…/librdkafka.so.1)`.
    package var summary: String {
        "librdkafka \(version) \(patch == nil ? "as installed" : "with CareLoop's mock patch") (\(path))"
    }

    /// The `librdkafka` object of the control API's `GET /cluster` (`patch` absent without the patch).
    package var json: [String: String] {
        var object = ["path": path, "version": version]
        object["patch"] = patch
        return object
    }
}
