import Foundation

extension PostgresTestCluster {
    /// Runs `scripts/postgres.sh` with `arguments` and waits for it; throws with its output when it fails.
    ///
    /// The server the script starts inherits no descriptor of the test process (see ``ChildCommand``).
    package static func runScript(_ arguments: [String]) throws {
        let outcome = try ChildCommand.runWaiting("/bin/bash", [script.path] + arguments, environment: ProcessInfo.processInfo.environment)
        guard outcome.status == 0 else {
            throw PostgresTestClusterError(
                message: "postgres.sh \(arguments.joined(separator: " ")) failed (status \(outcome.status)): \(outcome.output)")
        }
    }
}
