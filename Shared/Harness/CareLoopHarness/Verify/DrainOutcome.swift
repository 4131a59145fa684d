/// How waiting for the pipeline to drain ended.
package enum DrainOutcome: Sendable, Hashable {
    /// Everything registered, routed and published, no consumer lag; after this long.
    case drained(Duration)
    /// The time ran out while the pipeline was still making progress (a backlog, not a loss): cases not yet routed
    /// are reported as backlog.
    case progressing
    /// The time ran out and nothing had moved for a while: whatever is missing is lost.
    case stalled

    /// How long draining took, when it completed.
    package var duration: Duration? {
        if case .drained(let duration) = self { return duration }
        return nil
    }

    /// `drained`, `progressing` or `stalled`, for reports.
    var name: String {
        switch self {
        case .drained: "drained"
        case .progressing: "progressing"
        case .stalled: "stalled"
        }
    }

    /// Whether missing routings count as backlog rather than LOST.
    var allowsBacklog: Bool { self == .progressing }
}
