import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a short command to completion (e.g. `careloop-intake keys create …`) and returns its exit status and
/// output. Spawns and reaps the child directly on a dedicated thread: Foundation's `Process.waitUntilExit()` can hang
/// on Linux off the main thread.
package enum ChildCommand {
    /// The outcome of a command.
    package struct Outcome: Sendable {
        package var status: Int32
        package var output: String
    }

    /// Runs `executable` with `arguments` and exactly `environment`; standard output and error are captured together.
    package static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> Outcome {
        try await runBlocking { try spawnAndWait(executable, arguments, environment: environment) }
    }

    private static func spawnAndWait(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Outcome {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("careloop-harness-cmd-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = [executable] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw HarnessError("could not run \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw HarnessError("waiting for \(executable): \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitCode, output: output)
    }
}
