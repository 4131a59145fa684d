import AsyncHTTPClient
import CareLoopContracts
import Foundation
import NIOCore
import NIOHTTP1

/// Sends submissions with `POST /v1/cases` (API key, `Idempotency-Key` = the submission's id). Connection errors,
/// `429` and `5xx` are retried with the same key and body (a repeat must answer `200` with the same case); any other
/// answer is final.
package struct HTTPSender: SubmissionSender {
    let client: HTTPClient
    let baseURL: String
    let apiKey: String
    let manifest: ManifestWriter
    let retryFor: Duration
    let concurrency: Int

    /// A sender to intake's API at `baseURL` (e.g. `http://127.0.0.1:8081`).
    package init(client: HTTPClient, baseURL: String, apiKey: String, manifest: ManifestWriter, retryFor: Duration, concurrency: Int) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.manifest = manifest
        self.retryFor = retryFor
        self.concurrency = max(1, concurrency)
    }

    package func send(_ batch: [PlannedSubmission], sentAt: Date) async throws -> [ManifestEntry] {
        let entries = await withTaskGroup(of: ManifestEntry.self) { group in
            var results: [ManifestEntry] = []
            var next = 0
            while next < batch.count || !group.isEmpty {
                while next < batch.count, results.count + concurrency > next {
                    let planned = batch[next]
                    group.addTask { await post(planned, sentAt: sentAt) }
                    next += 1
                }
                if let entry = await group.next() { results.append(entry) }
            }
            return results
        }
        try await manifest.append(entries)
        return entries
    }

    private func post(_ planned: PlannedSubmission, sentAt: Date) async -> ManifestEntry {
        var entry = ManifestEntry(planned, sentAt: Timestamp(sentAt))
        var request = HTTPClientRequest(url: baseURL + "/v1/cases")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "Content-Type", value: CareLoopJSON.mediaType)
        if let id = planned.id { request.headers.add(name: "Idempotency-Key", value: id) }
        request.body = .bytes(ByteBuffer(bytes: planned.body))
        let deadline = ContinuousClock.now + retryFor
        var backoff = RetryBackoff()
        while true {
            entry.attempts += 1
            do {
                let response = try await client.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 1 << 20)
                let status = Int(response.status.code)
                entry.httpStatus = status
                switch status {
                case 200, 201:
                    entry.accepted = true
                    entry.error = nil
                    entry.caseID = try? CareLoopJSON.decode(CaseCreatedResponse.self, from: Array(buffer: body)).caseID
                    return entry
                case 429, 500...599:
                    entry.error = "HTTP \(status)"
                    if let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init), retryAfter <= 5 {
                        try? await Task.sleep(for: .seconds(retryAfter))
                    }
                default:
                    entry.error = "HTTP \(status): \(String(buffer: body).prefix(300))"
                    return entry
                }
            } catch {
                entry.error = String(describing: error)
            }
            guard ContinuousClock.now < deadline, !HarnessInterrupt.isRequested else { return entry }
            await backoff.wait()
        }
    }
}
