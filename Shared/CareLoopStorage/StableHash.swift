/// A 64-bit FNV-1a hash: stable across processes, platforms and releases, unlike `Hasher`.
///
/// Used for migration checksums and advisory-lock keys, which several processes must agree on.
/// Not a cryptographic hash: it detects edits, not tampering.
package enum StableHash {
    /// The hash of `text`'s UTF-8 bytes.
    package static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// A PostgreSQL advisory-lock key (a `bigint`) for `purpose` within `schema`.
    package static func advisoryLockKey(_ purpose: String, schema: String) -> Int64 {
        Int64(bitPattern: fnv1a64("careloop.\(purpose)/\(schema)"))
    }
}
