import Crypto

/// A `SymmetricKey` that can be shared between tasks.
///
/// swift-crypto does not mark `SymmetricKey` `Sendable` on every platform, but it is an immutable value (its bytes
/// are never written after creation), so reading it from several tasks at once is safe.
struct SharedKey: @unchecked Sendable {
    let key: SymmetricKey

    init(_ key: SymmetricKey) {
        self.key = key
    }
}
