import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a short command to completion (`careloop-intake keys create …`, `scripts/postgres.sh start …`) and returns
/// its exit status and output.
///
/// Spawns and reaps the child directly, never with Foundation's `Process`: on Linux its `waitUntilExit()` can hang
/// off the main thread, and a `Pipe` read to the end hangs when a service started meanwhile by a parallel test
/// inherits the pipe's write end. Here the child writes to a file, inherits no descriptor beyond 0–2, and is waited
/// for on a thread of its own (``run(_:_:environment:)``), so Swift's small cooperative pool is never blocked.
package enum ChildCommand {
    /// The outcome of a command.
    package struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        package var status: Int32
        /// Standard output and error together.
        package var output: String
    }

    /// A command that could not be started or waited for.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Runs `executable` with `arguments` and exactly `environment` on a thread of its own.
    package static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> Outcome {
        try await runBlocking { try runWaiting(executable, arguments, environment: environment) }
    }

    /// Runs `executable` and blocks the calling thread until it exits (for synchronous callers).
    package static func runWaiting(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Outcome {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-cmd-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        #if canImport(Glibc)
        closeInheritedDescriptors(&actions)
        #endif
        let argv = [executable] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw Failure(description: "could not run \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure(description: "waiting for \(executable): \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitCode, output: output)
    }

    #if canImport(Glibc)
    /// Adds glibc's "close every descriptor from 3 on" action (2.34+, not in Swift's Glibc module) when present.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
    }
    #endif
}

/// Runs a blocking call on its own thread (never on Swift's cooperative pool) and returns its result.
package func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = "careloop-blocking"
        thread.start()
    }
}
