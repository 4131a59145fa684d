import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU time and resident memory of processes, read from `/proc/<pid>/stat` (Linux).
package struct ProcessStats: Sendable, Hashable, Codable {
    /// User + system CPU time, in seconds.
    package var cpuSeconds: Double
    /// Resident set size, in bytes.
    package var residentBytes: Int

    /// Clock ticks per second of `/proc` times.
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// The stats of `pid`, or `nil` when it is gone.
    package static func read(pid: Int32) -> ProcessStats? {
        read(pid: pid, withReapedChildren: false)
    }

    /// The stats of `pid` from one read of its `stat`; with `withReapedChildren`, its CPU time includes the children
    /// it has waited for (`cutime` + `cstime`).
    private static func read(pid: Int32, withReapedChildren: Bool) -> ProcessStats? {
        guard let fields = statFields(pid: pid), fields.count > 21,
            let user = Double(fields[11]), let system = Double(fields[12]), let pages = Int(fields[21]),
            let childrenUser = Double(fields[13]), let childrenSystem = Double(fields[14])
        else { return nil }
        let ticks = user + system + (withReapedChildren ? childrenUser + childrenSystem : 0)
        return ProcessStats(cpuSeconds: ticks / ticksPerSecond, residentBytes: pages * pageSize)
    }

    /// The summed stats of `pid` and its direct children (PostgreSQL: the postmaster and its backends). Memory is
    /// the sum of proportional set sizes (`Pss` of `/proc/<pid>/smaps_rollup`), so shared buffers every backend
    /// touches are counted once, not once per backend. CPU includes the children that have exited (`cutime` and
    /// `cstime` of `pid`): a backend whose connection closed during a run still counts.
    package static func readTree(pid: Int32) -> ProcessStats? {
        guard var total = read(pid: pid, withReapedChildren: true) else { return nil }
        total.residentBytes = proportionalBytes(pid: pid) ?? total.residentBytes
        for child in children(of: pid) {
            guard let stats = read(pid: child) else { continue }
            total.cpuSeconds += stats.cpuSeconds
            total.residentBytes += proportionalBytes(pid: child) ?? stats.residentBytes
        }
        return total
    }

    /// `Pss` of `/proc/<pid>/smaps_rollup`, in bytes.
    static func proportionalBytes(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Pss:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    /// Direct children of `pid`, from the parent field of every `/proc/<n>/stat`.
    package static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap(Int32.init).filter { candidate in
            statFields(pid: candidate).flatMap { $0.count > 1 ? Int32($0[1]) : nil } == pid
        }
    }

    /// The fields of `/proc/<pid>/stat` after the command name (field 3, `state`, is index 0).
    private static func statFields(pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
}
