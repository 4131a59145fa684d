import Foundation

/// Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits, so new
/// ids sort after old ones and index well.
package enum UUIDv7 {
    /// A new version-7 UUID for `date`.
    package static func make(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)), using: &generator)
    }

    /// A version-7 UUID for a given millisecond timestamp and random source (deterministic in tests).
    package static func make(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        for index in 6..<16 { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
