import CareLoopContracts
import CareLoopTestSupport
import Foundation

/// One fault scenario of `careloop-harness chaos`: the stack it needs and the faults injected, in turn, while load
/// runs at a steady rate.
package struct ChaosScenario: Sendable {
    package var name: String
    package var summary: String
    /// Routing processes (two for the replica scenario).
    package var routingReplicas = 1
    /// Whether the stack needs its own PostgreSQL cluster (the restart scenario).
    package var needsOwnCluster = false
    /// The faults, injected one after the other.
    package var faults: [Fault]
    /// Pause between two faults.
    package var spacing: Duration = .seconds(6)

    /// Every scenario, in the order `chaos --scenario all` runs them.
    package static let all: [ChaosScenario] = [killEach, routingReplica, brokerDown, requestErrors, postgresRestart, poison]

    /// The scenario called `name`; `kill-<service>` kills one service only.
    package static func named(_ name: String) -> ChaosScenario? {
        if let scenario = all.first(where: { $0.name == name }) { return scenario }
        if name.hasPrefix("kill-"), let service = ServiceName(rawValue: String(name.dropFirst("kill-".count))) {
            return kill(service)
        }
        return nil
    }

    /// The names `named(_:)` knows.
    package static var names: [String] { all.map(\.name) + ServiceName.allCases.map { "kill-\($0.rawValue)" } }

    /// kill -9 of one service, restarted 2 s later.
    package static func kill(_ service: ServiceName) -> ChaosScenario {
        ChaosScenario(name: "kill-\(service.rawValue)", summary: "kill -9 of \(service.executable), restarted 2 s later", faults: [killFault(service)])
    }

    /// kill -9 of every service in turn, each restarted 2 s later.
    package static let killEach = ChaosScenario(
        name: "kill-each", summary: "kill -9 of each service in turn, each restarted 2 s later",
        faults: ServiceName.allCases.map(killFault))

    /// Two routing replicas in one group; one killed for good: its partitions move to the other.
    package static let routingReplica = ChaosScenario(
        name: "routing-replica", summary: "two routing replicas, one killed with kill -9 and not restarted", routingReplicas: 2,
        faults: [
            Fault("kill -9 routing replica 2", service: .routing) { context in context.stack.kill9(HarnessStack.Slot(.routing, replica: 1)) }
        ])

    /// One of the three mock brokers down for 10 s.
    package static let brokerDown = ChaosScenario(
        name: "broker-down", summary: "dev broker: broker 1 down for 10 s, then up (control API)",
        faults: [
            Fault(
                "broker 1 down 10 s", hold: .seconds(10),
                inject: { try await control($0, "POST", "/brokers/1/down") },
                clear: { try await control($0, "POST", "/brokers/1/up") })
        ])

    /// Produce, Fetch and OffsetCommit requests failing with retriable errors for 5 s.
    package static let requestErrors = ChaosScenario(
        name: "request-errors", summary: "dev broker: Produce, Fetch and OffsetCommit requests fail (control API) for 5 s",
        faults: [
            Fault(
                "request errors 5 s", hold: .seconds(5),
                inject: { context in
                    try await control(context, "POST", "/errors?api=Produce&error=NOT_LEADER_FOR_PARTITION&count=200")
                    try await control(context, "POST", "/errors?api=Fetch&error=NOT_LEADER_FOR_PARTITION&count=200")
                    try await control(context, "POST", "/errors?api=OffsetCommit&error=REQUEST_TIMED_OUT&count=50")
                },
                clear: { context in
                    for api in ["Produce", "Fetch", "OffsetCommit"] { try await control(context, "DELETE", "/errors?api=\(api)") }
                })
        ])

    /// PostgreSQL stopped with a fast shutdown and started again 3 s later.
    package static let postgresRestart = ChaosScenario(
        name: "postgres-restart", summary: "PostgreSQL fast shutdown, started again 3 s later", needsOwnCluster: true,
        faults: [
            Fault(
                "PostgreSQL restart", hold: .seconds(3),
                inject: { try await $0.stack.postgres.stop() },
                clear: { try await $0.stack.postgres.start() })
        ])

    /// A poison record on every partition of `careloop.intake.v1`.
    package static let poison = ChaosScenario(
        name: "poison", summary: "a poison record (bad bytes, bad envelope, unknown type, empty value) on every partition of careloop.intake.v1",
        faults: [Fault("poison on every partition") { try await $0.sendPoison() }])

    private static func killFault(_ service: ServiceName) -> Fault {
        Fault(
            "kill -9 \(service.rawValue)", service: service, hold: .seconds(2),
            inject: { $0.stack.kill9(HarnessStack.Slot(service)) },
            clear: { try await $0.stack.restart(HarnessStack.Slot(service)) })
    }

    private static func control(_ context: FaultContext, _ method: String, _ path: String) async throws {
        let status = try await context.stack.broker.control(method, path)
        guard (200..<300).contains(status) else { throw HarnessError("dev broker control \(method) \(path) answered \(status)") }
    }
}
