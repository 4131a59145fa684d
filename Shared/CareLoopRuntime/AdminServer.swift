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
            await healthResponse(liveness, passing: "live", failing: "not_live", serviceName: serviceName)
        }
        router.get("health/ready") { _, _ in
            await healthResponse(checks, passing: "ready", failing: "not_ready", serviceName: serviceName)
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

    /// 200 with `passing` when every check passes; otherwise 503 with `failing` and each failing check's reason.
    private static func healthResponse(_ checks: [ReadinessCheck], passing: String, failing: String, serviceName: String) async -> Response {
        var failures: [String: String] = [:]
        for check in checks {
            if let reason = await check.probe() { failures[check.name] = reason }
        }
        if failures.isEmpty {
            return jsonResponse(.ok, ["status": passing, "service": serviceName])
        }
        return jsonResponse(.serviceUnavailable, ["status": failing, "service": serviceName, "checks": failures])
    }

    /// A small JSON response for health endpoints.
    package static func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: any Sendable]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
