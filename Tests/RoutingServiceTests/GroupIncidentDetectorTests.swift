import Foundation
import Testing

@testable import RoutingService

@Suite("Group incident detection")
struct GroupIncidentDetectorTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let hour: TimeInterval = 3600

    func report(_ owner: String, hoursAgo: Double = 1, project: String = "SZ-FSG", category: String = "engineering.leakage")
        -> GroupIncidentReport
    {
        GroupIncidentReport(ownerID: owner, project: project, category: category, reportedAt: now.addingTimeInterval(-hoursAgo * hour))
    }

    var newReport: GroupIncidentReport { report("owner-new", hoursAgo: 0) }

    @Test("N−1 distinct owners (new one included) is not an incident; N opens one", arguments: [(3, false), (4, true)])
    func threshold(earlierOwners: Int, opens: Bool) {
        let recent = (0..<earlierOwners).map { report("owner-\($0)") }
        let decision = GroupIncidentDetector().evaluate(newReport, recentReports: recent, openIncidents: [])
        if opens {
            let owners = (["owner-new"] + (0..<earlierOwners).map { "owner-\($0)" }).sorted()
            #expect(decision == .open(project: "SZ-FSG", category: "engineering.leakage", ownerIDs: owners))
        } else {
            #expect(decision == .none)
        }
    }

    @Test("the same owner reporting twice counts once")
    func sameOwnerCountsOnce() {
        let recent = [report("a"), report("a", hoursAgo: 2), report("b"), report("c"), report("owner-new", hoursAgo: 5)]
        #expect(GroupIncidentDetector().evaluate(newReport, recentReports: recent, openIncidents: []) == .none)
    }

    @Test(
        "a report exactly 72 h earlier counts (inclusive start); a moment earlier does not",
        arguments: [(72.0, true), (72.0 + 1.0 / 3600, false)])
    func windowEdge(hoursAgo: Double, counts: Bool) {
        let recent = [report("a"), report("b"), report("c"), report("d", hoursAgo: hoursAgo)]
        let decision = GroupIncidentDetector().evaluate(newReport, recentReports: recent, openIncidents: [])
        #expect((decision != .none) == counts)
    }

    /// Reports arrive out of order (partitions, replicas): the one decided last must still see the whole burst.
    @Test(
        "a report made after the new one but routed before it counts when one window holds them all",
        arguments: [(-1.0, true), (-71.0, true), (-72.0, true), (-72.0 - 1.0 / 3600, false)])
    func laterReports(hoursAgo: Double, counts: Bool) {
        // a, b, c an hour after the new report, d later still: the window from the new report holds all five only
        // while d is at most 72 h after it.
        let recent = [report("a", hoursAgo: -1), report("b", hoursAgo: -1), report("c", hoursAgo: -1), report("d", hoursAgo: hoursAgo)]
        let decision = GroupIncidentDetector().evaluate(newReport, recentReports: recent, openIncidents: [])
        #expect((decision != .none) == counts)
    }

    @Test("reports on both sides of the new one that no single window holds do not open an incident")
    func spreadReports() {
        // Two owners 70 h before, two 3 h after: a window holding the new report holds at most four of the five.
        let recent = [report("a", hoursAgo: 70), report("b", hoursAgo: 70), report("c", hoursAgo: -3), report("d", hoursAgo: -3)]
        #expect(GroupIncidentDetector().evaluate(newReport, recentReports: recent, openIncidents: []) == .none)
    }

    @Test("other projects and other categories do not count")
    func scope() {
        let recent = [
            report("a"), report("b"), report("c", project: "WH-LKC"), report("d", category: "engineering.doors"),
        ]
        #expect(GroupIncidentDetector().evaluate(newReport, recentReports: recent, openIncidents: []) == .none)
    }

    @Test("a report joins the open incident of its project and category")
    func joins() {
        let open = [
            OpenGroupIncident(id: "GI-other", project: "WH-LKC", category: "engineering.leakage"),
            OpenGroupIncident(id: "GI-1", project: "SZ-FSG", category: "engineering.leakage"),
        ]
        #expect(GroupIncidentDetector().evaluate(newReport, recentReports: [], openIncidents: open) == .join(incidentID: "GI-1"))
    }

    @Test("thresholds are configurable per project")
    func perProject() {
        let detector = GroupIncidentDetector(
            perProject: ["SZ-FSG": GroupIncidentThresholds(distinctOwners: 3, window: .seconds(24 * 3600))])
        let recent = [report("a"), report("b", hoursAgo: 23)]
        #expect(detector.evaluate(newReport, recentReports: recent, openIncidents: []) != .none)
        let elsewhere = report("owner-new", hoursAgo: 0, project: "WH-LKC")
        let recentElsewhere = [report("a", project: "WH-LKC"), report("b", project: "WH-LKC")]
        #expect(detector.evaluate(elsewhere, recentReports: recentElsewhere, openIncidents: []) == .none)
        let tooOld = [report("a"), report("b", hoursAgo: 25)]
        #expect(detector.evaluate(newReport, recentReports: tooOld, openIncidents: []) == .none)
    }
}
