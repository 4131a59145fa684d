import CareLoopRuntime
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import Prometheus
import Synchronization
import Testing

@Suite("Admin port: health and metrics")
struct AdminServerTests {
    @Test("live always answers, ready answers 503 naming the failing check until it passes")
    func readiness() async throws {
        let ready = Mutex(false)
        let check = ReadinessCheck("database") { ready.withLock { $0 } ? nil : "unreachable" }
        let app = AdminServer.make(
            host: "127.0.0.1", port: 0, serviceName: "intake", registry: PrometheusCollectorRegistry(), checks: [check],
            logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("\"database\":\"unreachable\""))
            }
            ready.withLock { $0 = true }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("live answers 503 naming the failing liveness check (a lease stuck on a closed connection), ready is not affected")
    func liveness() async throws {
        let stuck = Mutex(0)
        let lease = ReadinessCheck("database_leases") { stuck.withLock { $0 } == 0 ? nil : "1 lease(s) stuck" }
        let app = AdminServer.make(
            host: "127.0.0.1", port: 0, serviceName: "routing", registry: PrometheusCollectorRegistry(), checks: [], liveness: [lease],
            logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            stuck.withLock { $0 = 1 }
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("\"database_leases\":\"1 lease(s) stuck\""))
            }
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("metrics are exported in Prometheus text format")
    func metrics() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "careloop_test_events_total").increment(by: Int64(3))
        let app = AdminServer.make(
            host: "127.0.0.1", port: 0, serviceName: "intake", registry: registry, checks: [], logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(String(buffer: response.body).contains("careloop_test_events_total 3"))
            }
        }
    }
}
