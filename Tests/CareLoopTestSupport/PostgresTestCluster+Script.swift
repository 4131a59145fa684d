import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PostgresTestCluster {
    /// Runs `scripts/postgres.sh` with `arguments` and waits for it; throws with its output when it fails.
    ///
    /// Spawns and reaps the child directly: Foundation's `Process.waitUntilExit()` can hang on Linux when called
    /// off the main thread, and the server the script starts must not inherit the test process's descriptors.
    package static func runScript(_ arguments: [String]) throws {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("careloop-postgres-sh-\(UUID().uuidString).log").path
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

        let argv = ["/bin/bash", script.path] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw PostgresTestClusterError(message: "could not run postgres.sh: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw PostgresTestClusterError(message: "waiting for postgres.sh: \(String(cString: strerror(errno)))")
            }
        }
        let exitedNormally = status & 0x7f == 0
        let exitCode = (status >> 8) & 0xff
        guard exitedNormally, exitCode == 0 else {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw PostgresTestClusterError(
                message: "postgres.sh \(arguments.joined(separator: " ")) failed (status \(status)): \(output)")
        }
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
