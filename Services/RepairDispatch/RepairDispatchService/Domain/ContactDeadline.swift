import CareLoopContracts

/// The 24-hour contact rule: a warranty engineer contacts the owner within a window of the repair request.
package struct ContactDeadline: Hashable, Sendable, Codable {
    /// The rule's settings.
    package struct Configuration: Hashable, Sendable, Codable {
        /// Time allowed from request to contact; default 24 hours.
        package var windowSeconds: Int64 = 24 * 3600
        /// Fractions of the window at which to warn, ascending; default 75 %.
        package var warningFractions: [Double] = [0.75]

        /// Makes a configuration.
        package init(windowSeconds: Int64 = 24 * 3600, warningFractions: [Double] = [0.75]) {
            self.windowSeconds = windowSeconds
            self.warningFractions = warningFractions
        }
    }

    /// Where a request stands against the rule.
    package enum Status: Hashable, Sendable, Codable {
        /// Before the first warning (or contacted in time).
        case onTrack
        /// A warning instant has passed; `level` counts them (1 = first warning).
        case warning(level: Int)
        /// Contact-by passed without contact, or contact came late.
        case breached
    }

    /// When the repair was requested.
    package var requestedAt: Timestamp
    /// The latest instant contact counts as on time (inclusive).
    package var contactBy: Timestamp
    /// Instants to warn at, ascending.
    package var warnings: [Timestamp]

    /// Computes the deadline and warnings for a request, written with the request's UTC offset.
    package init(requestedAt: Timestamp, configuration: Configuration = Configuration()) {
        self.requestedAt = requestedAt
        let base = requestedAt.secondsSince1970
        func at(_ offset: Int64) -> Timestamp {
            Timestamp(
                secondsSince1970: base + offset, nanoseconds: requestedAt.nanoseconds, utcOffset: requestedAt.utcOffset,
                fractionDigits: requestedAt.fractionDigits)
        }
        contactBy = at(configuration.windowSeconds)
        warnings = configuration.warningFractions.filter { $0 > 0 && $0 < 1 }.sorted()
            .map { at(Int64((Double(configuration.windowSeconds) * $0).rounded(.down))) }
    }

    /// The status at `now`, or of a contact made at `contactedAt` (which freezes the clock).
    package func status(at now: Timestamp, contactedAt: Timestamp? = nil) -> Status {
        if let contactedAt { return contactedAt <= contactBy ? .onTrack : .breached }
        if now > contactBy { return .breached }
        let passed = warnings.filter { $0 <= now }.count
        return passed == 0 ? .onTrack : .warning(level: passed)
    }
}
