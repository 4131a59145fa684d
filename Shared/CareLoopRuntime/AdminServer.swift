import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The admin port of every service: `/health/live`, `/health/ready` and `/metrics`.
package enum AdminServer {
    /// Builds the admin application; run it in the service group. `liveness` checks failing make `/health/live`
    /// answer 503 (the orchestrator restarts the process); `checks` decide `/health/ready`.
    package static func make(
        host: String, port: Int, serviceName: String, registry: PrometheusCollectorRegistry,
        checks: [ReadinessCheck], liveness: [ReadinessCheck] = [], logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("health/live") { _, _ in
            var failures: [String: String] = [:]
            for check in liveness {
                if let reason = await check.probe() { failures[check.name] = reason }
            }
            if failures.isEmpty {
                return jsonResponse(.ok, ["status": "live", "service": serviceName])
            }
            return jsonResponse(.serviceUnavailable, ["status": "not_live", "service": serviceName, "checks": failures])
        }
        router.get("health/ready") { _, _ in
            var failures: [String: String] = [:]
            for check in checks {
                if let reason = await check.probe() { failures[check.name] = reason }
            }
            if failures.isEmpty {
                return jsonResponse(.ok, ["status": "ready", "service": serviceName])
            }
            return jsonResponse(.serviceUnavailable, ["status": "not_ready", "service": serviceName, "checks": failures])
        }
        router.get("metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "careloop-\(serviceName)-admin"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// A small JSON response for health endpoints.
    package static func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: any Sendable]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
