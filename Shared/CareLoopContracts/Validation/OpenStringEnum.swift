/// A string-backed enumeration that stays open: values this version does not know still decode and
/// round-trip unchanged, so a producer on a newer contract never breaks an older consumer.
///
/// Conformers declare `rawValue`, `init(rawValue:)`, their constants and `known`; validation uses
/// `isKnown` to report unknown values as field errors (rule `enum`) where the contract demands it.
package protocol OpenStringEnum: RawRepresentable, Codable, Hashable, Sendable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible
where RawValue == String {
    /// Wraps any string, known or not.
    init(rawValue: String)
    /// Every value this version of the contract defines, in contract order.
    static var known: [Self] { get }
}

extension OpenStringEnum {
    /// Makes a value from a string literal such as `"repair"`.
    package init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    /// Whether this version of the contract defines the value.
    package var isKnown: Bool {
        Self.known.contains(self)
    }

    /// The raw string, as written on the wire.
    package var description: String {
        rawValue
    }

    /// Orders by raw string, so sets of values print and sort deterministically.
    package static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
