import Foundation

/// Sends planned submissions through one transport, retrying failed sends with the same identity, and writes one
/// manifest entry per submission once its send is final.
package protocol SubmissionSender: Sendable {
    /// Sends `batch`, stamped `sentAt`; returns the final entries (already appended to the manifest).
    func send(_ batch: [PlannedSubmission], sentAt: Date) async throws -> [ManifestEntry]
}

/// Waits between retries: doubling from 200 ms up to 5 s.
struct RetryBackoff {
    private(set) var current: Duration = .milliseconds(200)

    mutating func wait() async {
        try? await Task.sleep(for: current)
        current = min(current * 2, .seconds(5))
    }
}
