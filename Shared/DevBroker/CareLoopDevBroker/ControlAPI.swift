import CareLoopRuntime
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The dev broker's loopback-only HTTP API for fault injection in reliability tests.
///
/// - `GET /cluster`: bootstrap servers, broker ids, topics, and the librdkafka hosting the mock (``MockLibrary``)
/// - `POST /brokers/{id}/down`, `POST /brokers/{id}/up`
/// - `POST /brokers/{id}/rtt?ms=N`: add N ms round-trip delay (0 removes it)
/// - `POST /errors?api=Produce&error=NOT_LEADER_FOR_PARTITION&count=N`: fail the next N requests of an API
/// - `DELETE /errors?api=Produce`: drop pending injected errors
package enum ControlAPI {
    /// Builds the control application for `cluster`, hosted by `library`.
    package static func make(
        cluster: MockCluster, library: MockLibrary, configuration: DevBrokerConfiguration, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("health") { _, _ in AdminServer.jsonResponse(.ok, ["status": "ready"]) }
        router.get("cluster") { _, _ in
            AdminServer.jsonResponse(
                .ok,
                [
                    "bootstrap_servers": cluster.bootstrapServers, "brokers": cluster.brokerIDs.map(Int.init), "topics": cluster.topics,
                    "librdkafka": library.json,
                ])
        }
        router.post("brokers/:id/:action") { request, context in
            guard let id = context.parameters.get("id", as: Int32.self), cluster.brokerIDs.contains(id) else {
                return AdminServer.jsonResponse(.notFound, ["error": "unknown broker; brokers are \(cluster.brokerIDs.map(String.init).joined(separator: ","))"])
            }
            do {
                switch context.parameters.get("action") {
                case "down": try cluster.setBrokerDown(id)
                case "up": try cluster.setBrokerUp(id)
                case "rtt":
                    guard let ms = request.uri.queryParameters.get("ms", as: Int.self), (0...60_000).contains(ms) else {
                        return AdminServer.jsonResponse(.badRequest, ["error": "query parameter ms (0...60000) is required"])
                    }
                    try cluster.setRoundTripTime(broker: id, milliseconds: ms)
                default:
                    return AdminServer.jsonResponse(.notFound, ["error": "action must be down, up or rtt"])
                }
            } catch {
                return AdminServer.jsonResponse(.internalServerError, ["error": "\(error)"])
            }
            logger.notice("Fault injected", metadata: ["broker": "\(id)", "action": "\(context.parameters.get("action") ?? "")"])
            return AdminServer.jsonResponse(.ok, ["broker": Int(id), "action": context.parameters.get("action") ?? ""])
        }
        router.post("errors") { request, _ in
            let query = request.uri.queryParameters
            guard let api = query.get("api"), let key = MockCluster.apiKeys[api] else {
                return AdminServer.jsonResponse(.badRequest, ["error": "api must be one of \(MockCluster.apiKeys.keys.sorted().joined(separator: ","))"])
            }
            guard let name = query.get("error"), let code = MockCluster.errorCode(named: name) else {
                return AdminServer.jsonResponse(.badRequest, ["error": "error must be a librdkafka error name (e.g. NOT_LEADER_FOR_PARTITION) or code"])
            }
            let count = query.get("count", as: Int.self) ?? 1
            guard (1...100_000).contains(count) else { return AdminServer.jsonResponse(.badRequest, ["error": "count must be 1...100000"]) }
            cluster.pushRequestErrors(apiKey: key, errors: Array(repeating: code, count: count))
            logger.notice("Request errors injected", metadata: ["api": "\(api)", "error": "\(name)", "count": "\(count)"])
            return AdminServer.jsonResponse(.ok, ["api": api, "error_code": Int(code), "count": count])
        }
        router.delete("errors") { request, _ in
            guard let api = request.uri.queryParameters.get("api"), let key = MockCluster.apiKeys[api] else {
                return AdminServer.jsonResponse(.badRequest, ["error": "api must be one of \(MockCluster.apiKeys.keys.sorted().joined(separator: ","))"])
            }
            cluster.clearRequestErrors(apiKey: key)
            return AdminServer.jsonResponse(.ok, ["api": api, "cleared": true])
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.controlHost, port: configuration.controlPort), serverName: "careloop-devbroker"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.controlPort) },
            logger: logger
        )
    }
}
