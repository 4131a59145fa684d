import CareLoopTestSupport
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Samples CPU time and RSS of every process of a stack (services, dev broker, PostgreSQL with its backends, the
/// harness itself) from `/proc`.
package struct ResourceSampler: Sendable {
    /// A process to watch: its label, pid, and whether its children count too (PostgreSQL).
    package struct Target: Sendable, Hashable {
        package var label: String
        package var pid: Int32
        package var includeChildren: Bool
    }

    /// One sample of every target.
    package struct Sample: Sendable, Codable, Hashable {
        package var at: Date
        package var processes: [String: ProcessStats]
    }

    package let targets: [Target]

    /// The processes of `stack`, plus this process as `harness`.
    package init(stack: HarnessStack) {
        var targets = stack.slots.compactMap { slot in
            stack.instance(slot).map { Target(label: slot.description, pid: $0.process.pid, includeChildren: false) }
        }
        targets.append(Target(label: "devbroker", pid: stack.broker.process.pid, includeChildren: false))
        if let postmaster = stack.postgres.postmasterPID {
            targets.append(Target(label: "postgres", pid: postmaster, includeChildren: true))
        }
        targets.append(Target(label: "harness", pid: getpid(), includeChildren: false))
        self.targets = targets
    }

    /// Reads every target now (a target that is gone is left out).
    package func sample() -> Sample {
        var processes: [String: ProcessStats] = [:]
        for target in targets {
            let stats = target.includeChildren ? ProcessStats.readTree(pid: target.pid) : ProcessStats.read(pid: target.pid)
            if let stats { processes[target.label] = stats }
        }
        return Sample(at: Date(), processes: processes)
    }

    /// Samples every `interval` while `body` runs; returns `body`'s result and the samples (first and last included).
    package func recording<T: Sendable>(every interval: Duration, _ body: () async throws -> T) async throws -> (T, [Sample]) {
        let samples = SampleLog(first: sample())
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    let next = sample()
                    samples.append(next)
                }
            }
            defer { group.cancelAll() }
            return try await body()
        }
        samples.append(sample())
        return (result, samples.all)
    }

    /// CPU use per process between two samples, in cores (1.0 = one core busy all the time).
    package static func cpuCores(from start: Sample, to end: Sample) -> [String: Double] {
        let wall = end.at.timeIntervalSince(start.at)
        guard wall > 0 else { return [:] }
        var cores: [String: Double] = [:]
        for (label, last) in end.processes {
            guard let first = start.processes[label] else { continue }
            cores[label] = max(0, last.cpuSeconds - first.cpuSeconds) / wall
        }
        return cores
    }
}

/// Samples collected while a phase runs.
private final class SampleLog: Sendable {
    private let samples: Mutex<[ResourceSampler.Sample]>

    init(first: ResourceSampler.Sample) { samples = Mutex([first]) }

    func append(_ sample: ResourceSampler.Sample) { samples.withLock { $0.append(sample) } }

    var all: [ResourceSampler.Sample] { samples.withLock { $0 } }
}
