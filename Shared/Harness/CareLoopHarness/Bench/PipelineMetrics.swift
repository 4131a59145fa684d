import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The services' own consumer and outbox figures over a phase, from their Prometheus `/metrics`: how many records
/// each consumer group handled, in how many batches, and how long a batch took; the same for each outbox relay.
package struct PipelineMetrics: Sendable, Codable, Hashable {
    /// A consumer group's or relay's batches over the phase.
    package struct Batches: Sendable, Codable, Hashable {
        package var batches: Double
        package var records: Double
        package var seconds: Double

        /// Records per batch.
        package var recordsPerBatch: Double { batches > 0 ? records / batches : 0 }
        /// Milliseconds per batch.
        package var millisecondsPerBatch: Double { batches > 0 ? seconds * 1000 / batches : 0 }
    }

    /// Consumer batches per consumer group.
    package var consumers: [String: Batches] = [:]
    /// Outbox relay batches per service.
    package var relays: [String: Batches] = [:]

    /// Raw counter values of one scrape, keyed by `name{labels}` (with the service label added).
    package typealias Scrape = [String: Double]

    /// Reads `/metrics` of every service of `stack`.
    package static func scrape(_ stack: HarnessStack) async -> Scrape {
        var values: Scrape = [:]
        for slot in stack.slots {
            guard let instance = stack.instance(slot) else { continue }
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(instance.adminPort)/metrics")
            request.method = .GET
            guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
                let body = try? await response.body.collect(upTo: 8 << 20)
            else { continue }
            for line in String(buffer: body).split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                guard parts.count >= 2, let value = Double(parts[1]), interesting.contains(where: { parts[0].hasPrefix($0) }) else { continue }
                values["\(slot)|\(parts[0])", default: 0] += value
            }
        }
        return values
    }

    private static let interesting = [
        "careloop_kafka_batch_seconds_sum", "careloop_kafka_batch_seconds_count", "careloop_kafka_consumed_total",
        "careloop_outbox_relay_batch_seconds_sum", "careloop_outbox_relay_batch_seconds_count", "careloop_outbox_published_total",
    ]

    /// The figures between two scrapes.
    package init(from start: Scrape, to end: Scrape) {
        func delta(_ key: String) -> Double { max(0, (end[key] ?? 0) - (start[key] ?? 0)) }
        for key in end.keys {
            let service = String(key.prefix { $0 != "|" })
            let metric = String(key.drop { $0 != "|" }.dropFirst())
            if metric.hasPrefix("careloop_kafka_batch_seconds_count"), let group = Self.label("group", in: metric) {
                let labels = metric.drop { $0 != "{" }
                consumers[group] = Batches(
                    batches: delta(key), records: delta("\(service)|careloop_kafka_consumed_total\(labels)"),
                    seconds: delta("\(service)|careloop_kafka_batch_seconds_sum\(labels)"))
            } else if metric.hasPrefix("careloop_outbox_relay_batch_seconds_count") {
                let published = end.keys.filter { $0.hasPrefix("\(service)|careloop_outbox_published_total") }.reduce(0) { $0 + delta($1) }
                let seconds = end.keys.filter { $0.hasPrefix("\(service)|careloop_outbox_relay_batch_seconds_sum") }.reduce(0) { $0 + delta($1) }
                relays[service, default: Batches(batches: 0, records: published, seconds: seconds)].batches += delta(key)
            }
        }
    }

    private static func label(_ name: String, in metric: String) -> String? {
        guard let range = metric.range(of: "\(name)=\"") else { return nil }
        return String(metric[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The figures for people.
    package var text: String {
        let consumerText = consumers.sorted { $0.key < $1.key }.map {
            String(format: "%@ %.0f records in %.0f batches (%.1f/batch, %.1f ms/batch)", $0.key, $0.value.records, $0.value.batches, $0.value.recordsPerBatch, $0.value.millisecondsPerBatch)
        }
        let relayText = relays.sorted { $0.key < $1.key }.map {
            String(format: "%@ %.0f events in %.0f batches (%.1f ms/batch)", $0.key, $0.value.records, $0.value.batches, $0.value.millisecondsPerBatch)
        }
        return "consumers     " + consumerText.joined(separator: "; ") + "\noutbox relays " + relayText.joined(separator: "; ")
    }
}
