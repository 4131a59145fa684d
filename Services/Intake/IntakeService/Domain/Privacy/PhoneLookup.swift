import Crypto
import Foundation

/// Finds owners by phone number without storing it readable: the keyed hash HMAC-SHA256(lookup key, normalized
/// number) is stored and indexed, and a look-up hashes the number asked for the same way.
///
/// The lookup key does not rotate with the encryption keys; changing it means recomputing every stored hash.
package struct PhoneLookup: Sendable {
    private let key: SharedKey

    /// A lookup over `key` (at least 256 bits).
    package init(key: SymmetricKey) {
        self.key = SharedKey(key)
    }

    /// The stored form of `phone`: HMAC-SHA256 of ``normalize(_:)``.
    package func hash(_ phone: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(Self.normalize(phone).utf8), using: key.key))
    }

    /// `phone` without spaces, hyphens, dots and parentheses, with a leading `00` read as `+`
    /// (`+86 138-0013-8000` and `008613800138000` both become `+8613800138000`).
    package static func normalize(_ phone: String) -> String {
        var kept = phone.filter { !($0.isWhitespace || "-.()".contains($0)) }
        if kept.hasPrefix("00") { kept = "+" + kept.dropFirst(2) }
        return kept
    }
}
