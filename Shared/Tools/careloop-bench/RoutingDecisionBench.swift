import CareLoopContracts
import CareLoopKafka
import Foundation
import RoutingService

/// `careloop-bench routing-cpu`: the CPU cost of routing one case without I/O, step by step (classification and
/// severity, SLA clock, the routed record, JSON), so a throughput figure can be read against it.
enum RoutingDecisionBench: BenchScenario {
    static let name = "routing-cpu"
    static let summary = "CPU per routed case without I/O: decide, clock, record, JSON (--cases)"

    static func run(arguments: BenchArguments) async throws {
        let count = try arguments.int("cases", default: 5_000)
        let rules = try RoutingServiceDefinition.defaultRules()
        let generator = RegisteredGenerator(projects: 5_000)
        let registered = (0..<count).map { index -> CaseEventData in
            let event = generator.make(index: index)
            return try! CareLoopJSON.decode(CaseEventData.self, from: event.record.value)
        }
        func measure(_ name: String, _ body: (CaseEventData) throws -> Void) rethrows {
            let start = ContinuousClock.now
            for data in registered { try body(data) }
            let elapsed = ContinuousClock.now - start
            let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
            print(name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%8.1f µs per case", micros / Double(count)))
        }
        let bytes = try registered.map { try CareLoopJSON.encode($0) }
        let start = ContinuousClock.now
        for value in bytes { _ = CaseEventData.parse(json: value) }
        let parse = ContinuousClock.now - start
        let parseMicros = Double(parse.components.seconds) * 1e6 + Double(parse.components.attoseconds) / 1e12
        print("parse registered JSON".padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%8.1f µs per case", parseMicros / Double(count)))
        measure("classify") { data in
            _ = rules.classifier.classify(title: data.title ?? "", description: data.description ?? "", categoryHint: data.categoryHint)
        }
        measure("severity") { data in
            _ = rules.severityRules.assess(SeverityInput(title: data.title ?? "", description: data.description ?? ""))
        }
        measure("SLA clock (137)") { data in
            _ = SLAClock(policy: .rule137, calendar: rules.calendar(city: data.property.city), startedAt: data.occurredAt.date)
        }
        measure("decide (all of the above)") { data in
            _ = rules.decide(data, ownerReportsInWindow: 1, registeredAt: data.occurredAt.date)
        }
        measure("decide + routed record") { data in
            let decision = rules.decide(data, ownerReportsInWindow: 1, registeredAt: data.occurredAt.date)
            let context = rules.context(city: data.property.city, project: data.property.project, timeRule: decision.timeRule)
            _ = CaseRecord.routed(data, caseID: UUID(), decision: decision, at: Date(), rules: context)
        }
        try measure("encode snapshot JSON") { data in _ = try CareLoopJSON.encode(data) }
        try measure("  with Foundation (canonical)") { data in _ = try CareLoopJSON.canonical(data) }
        let clock = SLAClock(policy: .rule137, calendar: rules.defaultCalendar, startedAt: Date())
        let clockEncoder = CompactJSONEncoder(dates: .deferredToDate)
        try measure("encode SLA clock JSON") { _ in _ = try clockEncoder.encode(clock) }
        try measure("  with Foundation") { _ in _ = try JSONEncoder().encode(clock) }
    }
}
