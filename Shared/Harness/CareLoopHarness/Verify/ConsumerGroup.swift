import CareLoopContracts

/// A consumer group of a service and the topics it consumes.
package struct ConsumerGroup: Sendable, Hashable {
    package var id: String
    package var topics: [String]

    package init(id: String, topics: [String]) {
        self.id = id
        self.topics = topics
    }

    /// The groups CareLoop's services use under `prefix` (`kafka.consumer.groupPrefix`), for `services`.
    package static func standard(prefix: String, services: [ServiceName]) -> [ConsumerGroup] {
        let cases = [Topic.cases.rawValue]
        var groups: [ConsumerGroup] = []
        for service in services {
            switch service {
            case .intake:
                groups += [ConsumerGroup(id: "\(prefix)-intake", topics: [Topic.intake.rawValue]), ConsumerGroup(id: "\(prefix)-intake-timeline", topics: cases)]
            case .routing:
                groups += [
                    ConsumerGroup(id: "\(prefix)-routing", topics: cases),
                    ConsumerGroup(id: "\(prefix)-routing-follow-up", topics: [Topic.workOrders.rawValue, Topic.surveys.rawValue]),
                ]
            case .repairDispatch:
                groups.append(ConsumerGroup(id: "\(prefix)-repair-dispatch", topics: cases))
            case .survey, .notification:
                break
            }
        }
        return groups
    }
}
