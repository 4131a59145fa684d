#if canImport(Glibc)
import Glibc
#endif

/// glibc `malloc` settings a service applies at start-up, before its threads allocate.
///
/// With glibc's defaults a service's resident memory kept growing through a 10-minute run at a steady rate,
/// while the memory it had allocated did not (heaptrack, `malloc_stats`): half of what the arenas held was free,
/// in pieces too small for the next large buffer. Two defaults cause it:
/// - up to eight arenas per core, one for each busy thread (librdkafka's, NIO's, the task pool's), each with its
///   own free pieces;
/// - a threshold for `mmap` that rises to the largest block ever freed, so batch-sized buffers (a fetched record
///   batch, a statement's parameters) end up inside the arenas and leave holes there when freed.
///
/// A fixed threshold sends every large block to `mmap`, which gives it back to the system when freed, and two
/// arenas keep the free pieces in fewer places. An operator who sets glibc's own variables (`MALLOC_ARENA_MAX`,
/// `MALLOC_MMAP_THRESHOLD_`, `GLIBC_TUNABLES`) keeps them: the settings here are not applied then.
package struct MallocTuning: Sendable, Hashable {
    /// Most arenas (`M_ARENA_MAX`); `nil` keeps glibc's default.
    package var arenaMax: Int? = 2
    /// Blocks at least this large are mapped on their own and returned when freed (`M_MMAP_THRESHOLD`); `nil` keeps
    /// glibc's rising threshold.
    package var mmapThreshold: Int? = 128 * 1024

    package init() {}

    /// The glibc variables that, when set, take precedence over these settings.
    package static let overridingVariables = ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"]

    /// Applies the settings unless `environment` sets one of ``overridingVariables``; returns what was applied
    /// (`name=value`), for the start-up log.
    @discardableResult
    package func apply(environment: [String: String]) -> [String] {
        guard Self.overridingVariables.allSatisfy({ environment[$0] == nil }) else { return [] }
        guard let mallopt = Self.mallopt else { return [] }
        var applied: [String] = []
        if let arenaMax, mallopt(Self.arenaMaxParameter, Int32(arenaMax)) == 1 { applied.append("arena_max=\(arenaMax)") }
        if let mmapThreshold, mallopt(Self.mmapThresholdParameter, Int32(mmapThreshold)) == 1 {
            applied.append("mmap_threshold=\(mmapThreshold)")
        }
        return applied
    }

    /// `M_ARENA_MAX` and `M_MMAP_THRESHOLD` of `<malloc.h>`, which the Glibc module does not bring in.
    private static let arenaMaxParameter: Int32 = -8
    private static let mmapThresholdParameter: Int32 = -3

    /// glibc's `mallopt`, looked up at run time (`nil` on other C libraries).
    private static var mallopt: (@convention(c) (Int32, Int32) -> Int32)? {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        #else
        return nil
        #endif
    }
}
