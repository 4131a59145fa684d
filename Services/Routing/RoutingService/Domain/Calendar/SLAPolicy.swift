/// A time rule for a case: how much business time each milestone may take, and when to warn before a breach.
///
/// A "day" in a limit is a **business day**: the working time of one normal working day of the project's calendar
/// (``BusinessCalendar/standardDayLength``, e.g. 7 h 30 min for 09:00–12:00 and 13:30–18:00), so "respond within
/// 1 day" of a report at Tuesday 15:00 is due Wednesday 15:00. Use ``Limit/businessTime(_:)`` with 24 hours for
/// the stricter "24 business hours" reading.
package struct SLAPolicy: Hashable, Sendable, Codable {
    /// The stages of the closed loop a case must reach in time, in order.
    package enum Milestone: String, CaseIterable, Hashable, Sendable, Codable, Comparable {
        /// Someone confirmed the report was received and owns it.
        case acknowledge
        /// The owner was contacted with a plan.
        case respond
        /// The issue was fixed.
        case resolve

        package static func < (lhs: Milestone, rhs: Milestone) -> Bool {
            lhs.rank < rhs.rank
        }

        private var rank: Int {
            switch self {
            case .acknowledge: 0
            case .respond: 1
            case .resolve: 2
            }
        }
    }

    /// How long a milestone may take, in business time.
    package enum Limit: Hashable, Sendable, Codable {
        /// A fixed amount of business time, e.g. 1 hour.
        case businessTime(Duration)
        /// A number of business days, each the calendar's ``BusinessCalendar/standardDayLength``.
        case businessDays(Int)

        /// The business time this limit allows under `calendar`.
        package func duration(in calendar: BusinessCalendar) -> Duration {
            switch self {
            case .businessTime(let duration): duration
            case .businessDays(let days): calendar.standardDayLength * days
            }
        }
    }

    /// A name for reports and stored clocks, e.g. `113`.
    package var name: String
    /// Business time allowed to acknowledge the case.
    package var acknowledge: Limit
    /// Business time allowed to respond, counted from registration.
    package var respond: Limit
    /// Business time allowed to resolve, counted from registration.
    package var resolve: Limit
    /// The share of each limit after which a warning is due, `0 < share < 1`; 0.8 warns at 80 %.
    package var warningShare: Double = 0.8

    /// A policy with every limit given.
    package init(name: String, acknowledge: Limit, respond: Limit, resolve: Limit, warningShare: Double = 0.8) {
        self.name = name
        self.acknowledge = acknowledge
        self.respond = respond
        self.resolve = resolve
        self.warningShare = warningShare
    }

    /// "113", for issues within the property office's authority: acknowledge in 1 hour, respond in 1 business day,
    /// resolve in 3 business days.
    package static let rule113 = SLAPolicy(
        name: "113", acknowledge: .businessTime(.seconds(3600)), respond: .businessDays(1), resolve: .businessDays(3))

    /// "137", for issues beyond the property office's authority: acknowledge in 1 business day, respond in 3,
    /// resolve in 7.
    package static let rule137 = SLAPolicy(
        name: "137", acknowledge: .businessDays(1), respond: .businessDays(3), resolve: .businessDays(7))

    enum CodingKeys: String, CodingKey {
        case name, acknowledge, respond, resolve, warningShare
    }

    /// Decodes a policy; `warningShare` may be omitted (0.8).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            acknowledge: try container.decode(Limit.self, forKey: .acknowledge),
            respond: try container.decode(Limit.self, forKey: .respond),
            resolve: try container.decode(Limit.self, forKey: .resolve),
            warningShare: try container.decodeIfPresent(Double.self, forKey: .warningShare) ?? 0.8)
    }

    /// The limit of one milestone.
    package func limit(for milestone: Milestone) -> Limit {
        switch milestone {
        case .acknowledge: acknowledge
        case .respond: respond
        case .resolve: resolve
        }
    }

    /// The warning share forced into `0.01...0.99`, so a misconfigured share still warns before the breach.
    var effectiveWarningShare: Double {
        warningShare.isFinite ? min(max(warningShare, 0.01), 0.99) : 0.8
    }
}
