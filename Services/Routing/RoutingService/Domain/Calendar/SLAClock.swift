import Foundation

/// The SLA clock of one case: deadlines and warning instants for each milestone, in business time.
///
/// Started at registration from an ``SLAPolicy`` and the project's ``BusinessCalendar``. It pauses while the case
/// waits on the owner; on resume, every warning or deadline still ahead of the pause moves later by the business
/// time that passed while paused. A value type stored as JSON; a timer table is driven by ``nextDue()``, and after
/// publishing ``dueEvents(at:)`` the caller records them with ``markFired(_:)`` so they are not published twice.
package struct SLAClock: Hashable, Sendable, Codable {
    /// One milestone's time limit and its progress.
    package struct Target: Hashable, Sendable, Codable {
        /// Which milestone.
        package let milestone: SLAPolicy.Milestone
        /// The business time allowed, counted from registration.
        package let limit: Duration
        /// When the warning is due (the policy's share of the limit, plus pauses).
        package internal(set) var warningAt: Date
        /// When the milestone breaches (the limit, plus pauses).
        package internal(set) var deadline: Date
        /// When the milestone was met; `nil` while pending.
        package internal(set) var metAt: Date?
        /// Whether the warning event was published.
        package internal(set) var warningFired = false
        /// Whether the breach event was published.
        package internal(set) var breachFired = false

        /// `nil` while pending; else whether it was met by the deadline (exactly at the deadline is on time).
        package var metOnTime: Bool? { metAt.map { $0 <= deadline } }
    }

    /// A warning or breach of one milestone at an instant.
    package struct DueEvent: Hashable, Sendable, Codable {
        /// What happens.
        package enum Kind: String, Hashable, Sendable, Codable {
            /// The warning share of the limit has passed.
            case warning
            /// The limit has passed without the milestone being met.
            case breach
        }

        /// The milestone concerned.
        package var milestone: SLAPolicy.Milestone
        /// Warning or breach.
        package var kind: Kind
        /// When it is due.
        package var at: Date
    }

    /// The policy's name, e.g. `113`.
    package let policyName: String
    /// When the clock started (the case's registration).
    package let startedAt: Date
    /// The milestones, acknowledge first.
    package private(set) var targets: [Target]
    /// When the current pause began; `nil` while running.
    package private(set) var pausedSince: Date?
    /// The business time spent paused in completed pauses.
    package private(set) var pausedBusinessTime: Duration = .zero

    /// Starts a clock at `startedAt`; deadlines before the first working instant do not run.
    package init(policy: SLAPolicy, calendar: BusinessCalendar, startedAt: Date) {
        self.policyName = policy.name
        self.startedAt = startedAt
        let share = policy.effectiveWarningShare
        self.targets = SLAPolicy.Milestone.allCases.map { milestone in
            let limit = policy.limit(for: milestone).duration(in: calendar)
            let warning = Duration.seconds(BusinessCalendar.timeInterval(limit) * share)
            return Target(
                milestone: milestone, limit: limit, warningAt: calendar.add(warning, to: startedAt),
                deadline: calendar.add(limit, to: startedAt))
        }
    }

    /// The target of one milestone.
    package func target(_ milestone: SLAPolicy.Milestone) -> Target {
        targets.first { $0.milestone == milestone } ?? targets[0]
    }

    /// Whether the clock is paused.
    package var isPaused: Bool { pausedSince != nil }

    /// Pauses the clock (the case waits on the owner); `false` when already paused or nothing is pending.
    @discardableResult
    package mutating func pause(at instant: Date) -> Bool {
        guard pausedSince == nil, targets.contains(where: { $0.metAt == nil }) else { return false }
        pausedSince = instant
        return true
    }

    /// Resumes a paused clock, moving pending warnings and deadlines after the pause start later by the business
    /// time that passed while paused; `false` when not paused.
    @discardableResult
    package mutating func resume(at instant: Date, calendar: BusinessCalendar) -> Bool {
        guard let since = pausedSince else { return false }
        pausedSince = nil
        let elapsed = calendar.businessTime(from: since, to: max(since, instant))
        guard elapsed > .zero else { return true }
        pausedBusinessTime += elapsed
        for index in targets.indices where targets[index].metAt == nil {
            if targets[index].warningAt > since {
                targets[index].warningAt = calendar.add(elapsed, to: targets[index].warningAt)
            }
            if targets[index].deadline > since {
                targets[index].deadline = calendar.add(elapsed, to: targets[index].deadline)
            }
        }
        return true
    }

    /// Records that `milestone` was met at `instant`; earlier milestones still pending are met at the same instant
    /// (a resolved case has been responded to). `false` when it was already met.
    @discardableResult
    package mutating func meet(_ milestone: SLAPolicy.Milestone, at instant: Date) -> Bool {
        guard target(milestone).metAt == nil else { return false }
        for index in targets.indices where targets[index].milestone <= milestone && targets[index].metAt == nil {
            targets[index].metAt = instant
        }
        if !targets.contains(where: { $0.metAt == nil }) { pausedSince = nil }
        return true
    }

    /// Unpublished warnings and breaches due at or before `now`, earliest first.
    ///
    /// Met milestones raise nothing more. While paused, only events due before the pause began are due.
    package func dueEvents(at now: Date) -> [DueEvent] {
        pendingEvents().filter { $0.at <= now }
    }

    /// The earliest unpublished warning or breach, for the timer table; `nil` when none is left or the clock is
    /// paused with nothing overdue.
    package func nextDue() -> DueEvent? {
        pendingEvents().first
    }

    /// Every unpublished warning and breach still to come or overdue, earliest first: the rows the timer table
    /// must hold for this clock. Empty once every milestone is met; while paused, only those due before the pause.
    package func pendingTimers() -> [DueEvent] {
        pendingEvents()
    }

    /// Runs `milestone` (and every later one) again from `instant`, as after a reopening: the targets lose their
    /// met instant and fired flags, and get a fresh warning and deadline, `policy`'s limits counted from `instant`.
    package mutating func restart(_ milestone: SLAPolicy.Milestone, at instant: Date, policy: SLAPolicy, calendar: BusinessCalendar) {
        let share = policy.effectiveWarningShare
        for index in targets.indices where targets[index].milestone >= milestone {
            let limit = targets[index].limit
            let warning = Duration.seconds(BusinessCalendar.timeInterval(limit) * share)
            targets[index].metAt = nil
            targets[index].warningFired = false
            targets[index].breachFired = false
            targets[index].warningAt = calendar.add(warning, to: instant)
            targets[index].deadline = calendar.add(limit, to: instant)
        }
    }

    /// Records that `events` were published, so they are not due again.
    package mutating func markFired(_ events: some Sequence<DueEvent>) {
        for event in events {
            guard let index = targets.firstIndex(where: { $0.milestone == event.milestone }) else { continue }
            switch event.kind {
            case .warning: targets[index].warningFired = true
            case .breach: targets[index].breachFired = true
            }
        }
    }

    /// Unpublished events of pending milestones, sorted by instant, then warning before breach, then milestone.
    private func pendingEvents() -> [DueEvent] {
        var events: [DueEvent] = []
        for target in targets where target.metAt == nil {
            if !target.warningFired {
                events.append(DueEvent(milestone: target.milestone, kind: .warning, at: target.warningAt))
            }
            if !target.breachFired {
                events.append(DueEvent(milestone: target.milestone, kind: .breach, at: target.deadline))
            }
        }
        if let pausedSince { events.removeAll { $0.at > pausedSince } }
        return events.sorted {
            ($0.at, $0.kind == .warning ? 0 : 1, $0.milestone) < ($1.at, $1.kind == .warning ? 0 : 1, $1.milestone)
        }
    }
}
