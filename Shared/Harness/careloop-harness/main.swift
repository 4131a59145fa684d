// careloop-harness: load generator, verifier, fault scenarios and benchmarks of CareLoop (see README.md).
import CareLoopHarness
import Foundation
import Logging

/// SIGINT/SIGTERM ask for an orderly stop (processes stopped, folders removed); a second one exits at once.
let signalSources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
    source.setEventHandler {
        if HarnessInterrupt.isRequested { exit(130) }
        FileHandle.standardError.write(Data("careloop-harness: stopping (again to exit at once)\n".utf8))
        HarnessInterrupt.request()
    }
    source.resume()
    return source
}

let words = Array(CommandLine.arguments.dropFirst())
let usage = "usage: \(Harness.name) <command> [options]\n\n" + harnessCommands.map { "  " + $0.usage.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n\n")
guard let name = words.first, let command = harnessCommands.first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(words.first == "--help" || words.first == "help" ? 0 : 64)
}
let level = ProcessInfo.processInfo.environment["CARELOOP_HARNESS_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}
let logger = Logger(label: "careloop.harness")
do {
    let status = try await command.run(try CommandOptions(Array(words.dropFirst())), logger: logger)
    exit(status)
} catch let error as UsageError {
    FileHandle.standardError.write(Data("careloop-harness \(name): \(error)\n\n  \(command.usage)\n".utf8))
    exit(64)
} catch {
    FileHandle.standardError.write(Data("careloop-harness \(name): failed: \(error)\n".utf8))
    exit(1)
}
