/// A Kafka topic name of the CareLoop contract; public topics end in a version (`.v1`), dead-letter
/// topics add `.dlt`.
package struct Topic: OpenStringEnum {
    /// The topic name as Kafka knows it.
    package let rawValue: String

    /// Wraps a topic name.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Voices submitted by the company's systems (`careloop.voice.submitted`); key `<city>/<project>`.
    package static let intake: Topic = "careloop.intake.v1"
    /// Every change of a case, in order per case; key = case id.
    package static let cases: Topic = "careloop.cases.v1"
    /// Work-order lifecycle; key = work-order id.
    package static let workOrders: Topic = "careloop.workorders.v1"
    /// Survey invitations, responses and expiries; key = survey id.
    package static let surveys: Topic = "careloop.surveys.v1"
    /// Messages handed to the company's senders and their delivery outcomes; key = notification id.
    package static let notifications: Topic = "careloop.notifications.v1"

    /// The public topics of contract v1.
    package static let allPublic: [Topic] = [.intake, .cases, .workOrders, .surveys, .notifications]

    /// The public topics of contract v1 (same as ``allPublic``).
    package static var known: [Topic] { allPublic }

    /// The suffix of dead-letter topics.
    package static let deadLetterSuffix = ".dlt"

    /// The dead-letter topic of `topic`: its name + `.dlt`.
    package static func deadLetter(of topic: Topic) -> Topic {
        Topic(rawValue: topic.rawValue + deadLetterSuffix)
    }

    /// This topic's dead-letter topic.
    package var deadLetter: Topic {
        Self.deadLetter(of: self)
    }

    /// Whether this is a dead-letter topic.
    package var isDeadLetter: Bool {
        rawValue.hasSuffix(Self.deadLetterSuffix)
    }

    /// The event types of this contract version that belong on this topic.
    package var eventTypes: [EventType] {
        EventType.known.filter { $0.topic == self }
    }
}
