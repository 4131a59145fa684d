import Foundation
import Testing

/// Loads JSON fixtures from the test bundle's `Fixtures` folder.
///
/// Golden fixtures are stored in CareLoopJSON's canonical form (pretty-printed, sorted keys, unescaped
/// slashes) followed by exactly one newline; ``fileForm(_:)`` applies that policy to encoder output.
enum Fixture {
    /// The bytes of `Fixtures/<name>`.
    static func bytes(_ name: String) throws -> [UInt8] {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return Array(try Data(contentsOf: folder.appending(path: name)))
    }

    /// Encoder output as it is stored on disk: the bytes plus one trailing newline.
    static func fileForm(_ encoded: [UInt8]) -> [UInt8] {
        encoded + [UInt8(ascii: "\n")]
    }

    /// 2026-11-22T06:00:00Z, later than every golden fixture's `submitted_at`.
    static let now = Date(timeIntervalSince1970: 1_795_327_200)
}
