import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Hands out case reference numbers per prefix and year from blocks of ``blockSize`` drawn from the database's
/// sequences (`next_case_reference_block`), so a registration rarely spends a round trip on numbering.
///
/// Numbers are unique across replicas (each block belongs to one process) and across restarts (a block is never
/// drawn twice: `nextval` is not undone by a rollback); numbers of a block not used before the process stops are
/// skipped. A sequence is created in a transaction of its own (``prepare(_:)``, at start, after registry changes and
/// for next year ahead of time), never inside a registration, whose rollback would undo it. Shared by the topic and
/// HTTP paths.
final class ReferenceNumbers: Sendable {
    /// The numbers in one block; the sequences' `INCREMENT BY` (migration 6).
    static let blockSize: Int64 = 100

    /// A prefix and year with a sequence of its own.
    struct Key: Hashable, Sendable {
        var prefix: String
        var year: Int
    }

    private struct State {
        var free: [Key: [Range<Int64>]] = [:]
        /// Keys whose sequence is known to exist.
        var prepared: Set<Key> = []
    }

    private let database: Database
    private let state = Mutex(State())

    /// Numbers drawn from `database`'s sequences.
    init(database: Database) {
        self.database = database
    }

    /// Creates the sequences of `keys` that do not exist yet, each committed at once; one round trip for all.
    func prepare(_ keys: Set<Key>, logger: Logger) async throws {
        let missing = state.withLock { keys.subtracting($0.prepared) }
        guard !missing.isEmpty else { return }
        let list = Array(missing)
        _ = try await database.withConnection { connection in
            try await connection.query(
                """
                SELECT ensure_case_reference_sequence(k.prefix, k.year::int)
                FROM unnest(\(list.map(\.prefix))::text[], \(list.map { Int64($0.year) })::int8[]) AS k(prefix, year)
                """, logger: logger)
        }
        state.withLock { $0.prepared.formUnion(missing) }
    }

    /// The keys of `cities` for the year of `instant` and the next one, in each city's time zone.
    static func keys(of cities: [PropertyCity], around instant: Date) -> Set<Key> {
        var keys: Set<Key> = []
        for city in cities {
            guard let zone = TimeZone(identifier: city.timeZone) else { continue }
            let year = CaseReference.year(of: instant, in: zone)
            keys.insert(Key(prefix: city.referencePrefix, year: year))
            keys.insert(Key(prefix: city.referencePrefix, year: year + 1))
        }
        return keys
    }

    /// One number per element of `keys`, in order. Missing blocks are drawn with `connection` (the registration's
    /// own, one round trip when any is needed); a sequence not prepared yet is prepared first.
    func take(_ keys: [Key], connection: PostgresConnection, logger: Logger) async throws -> [Int64] {
        var wanted: [Key: Int] = [:]
        for key in keys { wanted[key, default: 0] += 1 }
        var taken = takeFree(wanted)
        let short = wanted.compactMap { key, count -> (key: Key, blocks: Int64)? in
            let missing = Int64(count - (taken[key]?.count ?? 0))
            return missing > 0 ? (key, (missing + Self.blockSize - 1) / Self.blockSize) : nil
        }
        if !short.isEmpty {
            try await prepare(Set(short.map(\.key)), logger: logger)
            let rows = try await connection.query(
                """
                SELECT r.prefix, r.year, next_case_reference_block(r.prefix, r.year::int)
                FROM unnest(\(short.map(\.key.prefix))::text[], \(short.map { Int64($0.key.year) })::int8[], \(short.map(\.blocks))::int8[])
                    AS r(prefix, year, blocks), generate_series(1, r.blocks)
                """, logger: logger)
            var drawn: [Key: [Range<Int64>]] = [:]
            for try await (prefix, year, start) in rows.decode((String, Int64, Int64).self) {
                drawn[Key(prefix: prefix, year: Int(year)), default: []].append(start..<(start + Self.blockSize))
            }
            for (key, blocks) in drawn {
                var need = Int64(wanted[key, default: 0] - (taken[key]?.count ?? 0))
                var leftovers: [Range<Int64>] = []
                for block in blocks.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                    let use = min(need, Int64(block.count))
                    taken[key, default: []] += block.lowerBound..<(block.lowerBound + use)
                    need -= use
                    if use < block.count { leftovers.append((block.lowerBound + use)..<block.upperBound) }
                }
                state.withLock { $0.free[key, default: []] += leftovers }
            }
        }
        var next: [Key: Int] = [:]
        return try keys.map { key in
            let index = next[key, default: 0]
            next[key] = index + 1
            guard let numbers = taken[key], index < numbers.count else {
                throw CaseRepositoryError(message: "no reference number drawn for \(key.prefix)-\(key.year)")
            }
            return numbers[index]
        }
    }

    /// Takes up to `wanted` numbers per key from the free blocks.
    private func takeFree(_ wanted: [Key: Int]) -> [Key: [Int64]] {
        state.withLock { state in
            var taken: [Key: [Int64]] = [:]
            for (key, count) in wanted {
                var ranges = state.free[key] ?? []
                var numbers: [Int64] = []
                while numbers.count < count, !ranges.isEmpty {
                    let range = ranges[0]
                    let use = min(Int64(count - numbers.count), Int64(range.count))
                    numbers += range.lowerBound..<(range.lowerBound + use)
                    if use == range.count { ranges.removeFirst() } else { ranges[0] = (range.lowerBound + use)..<range.upperBound }
                }
                state.free[key] = ranges.isEmpty ? nil : ranges
                taken[key] = numbers
            }
            return taken
        }
    }
}
