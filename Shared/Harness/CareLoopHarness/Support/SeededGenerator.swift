/// A seedable random number generator (SplitMix64): the same seed gives the same stream on every run, so a load
/// run can be replayed exactly.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the stream at `seed`.
    package init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in `0..<1`.
    package mutating func unit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// `true` with probability `probability`.
    package mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A uniform element of a non-empty array.
    package mutating func element<T>(of elements: [T]) -> T {
        precondition(!elements.isEmpty, "element(of:) needs a non-empty array")
        return elements[Int(next() % UInt64(elements.count))]
    }

    /// A uniform integer in `range`.
    package mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// Elements with weights, drawn in proportion to their weight (a cumulative table and a binary search).
package struct WeightedTable<Element: Sendable>: Sendable {
    package let elements: [Element]
    private let cumulative: [Double]

    /// - Precondition: at least one element, every weight positive.
    package init(_ weighted: [(element: Element, weight: Double)]) {
        precondition(!weighted.isEmpty, "a weighted table needs elements")
        precondition(weighted.allSatisfy { $0.weight > 0 }, "weights must be positive")
        elements = weighted.map(\.element)
        var sum = 0.0
        cumulative = weighted.map { pair in
            sum += pair.weight
            return sum
        }
    }

    /// One element drawn by weight.
    package func pick(using generator: inout SeededGenerator) -> Element {
        let target = generator.unit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return elements[low]
    }
}
