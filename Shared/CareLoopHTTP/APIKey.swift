import Crypto
import Foundation

/// The text form of an API key, `clk_<id>_<secret>`: a public id to find the key and a secret kept only as a hash.
///
/// The secret is 32 random bytes (base64url), so a plain SHA-256 is a safe at-rest form: it cannot be brute-forced,
/// and a stolen table reveals no usable key.
package struct APIKey: Sendable, Hashable {
    /// The public id: 12 lowercase letters and digits.
    package var id: String
    /// The secret part.
    package var secret: String

    /// The prefix every key starts with, so keys are easy to spot in configuration and secret scanners.
    package static let prefix = "clk_"

    /// A new random key.
    package static func generate() -> APIKey {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let id = String((0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return APIKey(id: id, secret: secret)
    }

    /// Parses `clk_<id>_<secret>`; `nil` when the text is not shaped like a key.
    package init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let rest = text.dropFirst(Self.prefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let id = String(rest[..<separator])
        let secret = String(rest[rest.index(after: separator)...])
        guard id.count == 12, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }), secret.count >= 32, secret.count <= 64
        else { return nil }
        self.id = id
        self.secret = secret
    }

    /// Makes a key from its parts.
    package init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// The full text handed to the key's holder once.
    package var text: String { "\(Self.prefix)\(id)_\(secret)" }

    /// SHA-256 of the secret, as stored.
    package var secretHash: [UInt8] { Array(SHA256.hash(data: Data(secret.utf8))) }

    /// Whether `hash` is this key's stored hash (constant time).
    package func matches(hash: [UInt8]) -> Bool {
        let own = secretHash
        guard own.count == hash.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(own, hash) { difference |= left ^ right }
        return difference == 0
    }
}
