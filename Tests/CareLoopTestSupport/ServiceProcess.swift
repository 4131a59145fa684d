import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A CareLoop executable started by a test as a real process, with its output in a log file.
package final class ServiceProcess: @unchecked Sendable {
    private let process = Process()
    /// Where the process writes its standard output and error.
    package let logFile: URL
    package let name: String

    /// The folder with the built executables: `CARELOOP_TEST_BIN_DIR`, else `.build/debug` of this checkout.
    package static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["CARELOOP_TEST_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return repositoryRoot.appendingPathComponent(".build/debug")
    }

    /// The checkout's root folder.
    package static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts `executable` (e.g. `careloop-intake`) with `environment` added to a minimal one.
    package init(_ executable: String, environment: [String: String], logDirectory: URL) throws {
        name = executable
        let binary = Self.binDirectory.appendingPathComponent(executable)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ServiceProcessError("\(binary.path) is not built; run `swift build` (make test does) first")
        }
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        logFile = logDirectory.appendingPathComponent("\(executable)-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: logFile)
        process.executableURL = binary
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        base["CARELOOP_LOG_LEVEL"] = ProcessInfo.processInfo.environment["CARELOOP_TEST_SERVICE_LOG_LEVEL"] ?? "info"
        process.environment = base.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Whether the process still runs.
    package var isRunning: Bool { process.isRunning }

    /// The exit status once the process has ended (`nil` while it runs).
    package var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// The process id.
    package var pid: Int32 { process.processIdentifier }

    /// Sends SIGTERM and waits up to `timeout` for a graceful exit; returns the exit status.
    @discardableResult
    package func terminate(timeout: Duration = .seconds(20)) async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill9() }
        return process.terminationStatus
    }

    /// Kills the process with SIGKILL (a crash) and waits (up to 30 s) for Foundation to see it gone.
    ///
    /// Polls instead of `Process.waitUntilExit()`, which can hang on Linux off the main thread.
    package func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
    }

    /// The last lines of the process's log, for failure messages.
    package func logTail(lines: Int = 40) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A test harness failure with a readable reason.
package struct ServiceProcessError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A free TCP port on 127.0.0.1 for a service under test to listen on, never the same twice in one test process.
///
/// Ports come from 20000–31999, below Linux's ephemeral range (32768–60999): a port picked by binding port 0 is
/// an ephemeral one, and between its release and the service's own bind an outgoing connection of another test
/// (to PostgreSQL or the broker) could take it. That happened once in CI ("Address already in use").
package func freeLoopbackPort() throws -> Int {
    for _ in 0..<500 {
        let candidate = Int.random(in: 20_000..<32_000)
        guard handedOutPorts.withLock({ $0.insert(candidate).inserted }) else { continue }
        if loopbackPortIsFree(candidate) { return candidate }
    }
    throw ServiceProcessError("no free loopback port in 20000–31999")
}

private let handedOutPorts = Mutex<Set<Int>>([])

/// Whether a socket can bind `port` on 127.0.0.1 right now.
package func loopbackPortIsFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return bound == 0
}

/// The HTTP status of a GET to `url`, or `nil` when nothing answers.
package func httpStatus(_ url: String) async -> Int? {
    guard let url = URL(string: url) else { return nil }
    var request = URLRequest(url: url)
    request.timeoutInterval = 2
    guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
    return (response as? HTTPURLResponse)?.statusCode
}
