import Crypto
import Foundation

/// Encrypts owners' personal data at rest with AES-256-GCM under a ring of named keys: one active key seals new
/// values, every key in the ring opens values sealed under it, so keys can rotate without a flag day.
///
/// A sealed value is AES-GCM's combined form (12-byte nonce, ciphertext, 16-byte tag) stored next to the id of its
/// key. The `context` (e.g. `owner.phone:OWN-88231`) is authenticated but not stored: a value copied to another row
/// or column does not open.
package struct PersonalDataCipher: Sendable {
    /// A value sealed under one key of the ring.
    package struct Sealed: Hashable, Sendable {
        /// The id of the key that sealed it.
        package var keyID: String
        /// Nonce, ciphertext and tag.
        package var bytes: [UInt8]

        /// Wraps stored parts.
        package init(keyID: String, bytes: [UInt8]) {
            self.keyID = keyID
            self.bytes = bytes
        }
    }

    /// Why a value cannot be sealed or opened.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The id of the key that seals new values.
    package let activeKeyID: String
    private let keys: [String: SharedKey]

    /// A ring of `keys` (id → 256-bit key) sealing with `activeKeyID`, which must be one of them.
    package init(keys: [String: SymmetricKey], activeKeyID: String) throws(Failure) {
        guard let active = keys[activeKeyID] else {
            throw Failure(description: "the active key '\(activeKeyID)' is not among the keys (\(keys.keys.sorted().joined(separator: ", ")))")
        }
        guard active.bitCount == 256, keys.values.allSatisfy({ $0.bitCount == 256 }) else {
            throw Failure(description: "every key must be 256 bits (32 bytes)")
        }
        self.keys = keys.mapValues(SharedKey.init)
        self.activeKeyID = activeKeyID
    }

    /// The ids of every key that can open values.
    package var keyIDs: [String] { keys.keys.sorted() }

    /// `text` sealed under the active key, bound to `context`.
    package func seal(_ text: String, context: String) throws -> Sealed {
        let box = try AES.GCM.seal(Data(text.utf8), using: keys[activeKeyID]!.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw Failure(description: "AES-GCM gave no combined form") }
        return Sealed(keyID: activeKeyID, bytes: Array(combined))
    }

    /// The text of `sealed`; throws when its key is not in the ring, the context differs or the bytes were altered.
    package func open(_ sealed: Sealed, context: String) throws -> String {
        guard let key = keys[sealed.keyID] else {
            throw Failure(description: "no key '\(sealed.keyID)' in the ring; keep retired keys readable until every value is resealed")
        }
        let data = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed.bytes), using: key.key, authenticating: Data(context.utf8))
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether `sealed` should be sealed again under the active key.
    package func needsResealing(_ sealed: Sealed) -> Bool {
        sealed.keyID != activeKeyID
    }
}
