import CareLoopContracts
import Foundation

/// Observations indexed the ways the accounting looks them up.
struct ObservationIndex {
    var registeredByExternalID: [String: [CaseEventObservation]] = [:]
    var registeredByCase: [String: [CaseEventObservation]] = [:]
    var routedByCase: [String: [CaseEventObservation]] = [:]
    var routedEvents: [CaseEventObservation] = []
    var incidentByCase: [String: String] = [:]
    var mergedCaseIDs: Set<String> = []
    var openedByCase: [String: [WorkOrderObservation]] = [:]
    var storedByExternalID: [String: Set<String>] = [:]
    var deadLettersByOrigin: [OriginKey: DeadLetterObservation] = [:]
    var deadLettersByID: [String: DeadLetterObservation] = [:]
    var submissionsOnTopic: [String: [SubmissionPosition]]?
    /// Case ids in intake's table and routed in routing's table (`nil`: not read).
    var storedCaseIDs: Set<String> = []
    var routedInTable: Set<String>?
    /// Whether `careloop.cases.v1` had dropped old records when it was read.
    var truncatedCases = false
    /// Whether cases not yet routed count as backlog (the drain ran out of time while progressing).
    var backlogAllowed = false

    init(_ observations: Observations) {
        submissionsOnTopic = observations.submissionsOnTopic
        storedCaseIDs = Set((observations.intakeCases ?? []).map(\.caseID))
        routedInTable = observations.routingRoutedCaseIDs
        truncatedCases = (observations.truncated[Topic.cases.rawValue] ?? 0) > 0
        for event in observations.caseEvents {
            switch event.type {
            case EventType.caseRegistered.rawValue:
                registeredByCase[event.caseID, default: []].append(event)
                if let id = event.externalID { registeredByExternalID[id, default: []].append(event) }
            case EventType.caseRouted.rawValue:
                routedByCase[event.caseID, default: []].append(event)
                routedEvents.append(event)
            case EventType.caseMerged.rawValue:
                mergedCaseIDs.insert(event.caseID)
            default:
                break
            }
            if let incident = event.groupIncidentID { incidentByCase[event.caseID] = incident }
        }
        for event in observations.workOrderEvents where event.type == EventType.workOrderOpened.rawValue {
            openedByCase[event.caseID, default: []].append(event)
        }
        for stored in observations.intakeCases ?? [] {
            storedByExternalID[stored.externalID, default: []].insert(stored.caseID)
        }
        for deadLetter in observations.deadLetters where deadLetter.originalTopic == Topic.intake.rawValue || deadLetter.topic == Topic.intake.deadLetter.rawValue {
            if let partition = deadLetter.originalPartition, let offset = deadLetter.originalOffset {
                deadLettersByOrigin[OriginKey(partition: partition, offset: offset)] = deadLetter
            }
            if let id = deadLetter.id { deadLettersByID[id] = deadLetter }
        }
    }
}

/// Latency recorders of the hops from a submission to its routing.
struct HopRecorders {
    var submissionToRegistered = LatencyRecorder()
    var registeredToRouted = LatencyRecorder()
    var submissionToRouted = LatencyRecorder()
    var submissionToRoutedPublished = LatencyRecorder()

    /// Records the hops of one case whose submission was first sent at `sentAt`.
    mutating func record(sentAt: Date, caseID: String, index: ObservationIndex) {
        let registered = index.registeredByCase[caseID]?.map(\.eventTime).min()
        let routed = index.routedByCase[caseID]?.min { $0.eventTime < $1.eventTime }
        if let registered { submissionToRegistered.record(from: sentAt, to: registered) }
        if let registered, let routed { registeredToRouted.record(from: registered, to: routed.eventTime) }
        if let routed {
            submissionToRouted.record(from: sentAt, to: routed.eventTime)
            if let published = index.routedByCase[caseID]?.compactMap(\.appendTime).min() {
                submissionToRoutedPublished.record(from: sentAt, to: published)
            }
        }
    }

    var summaries: [String: LatencySummary] {
        var result: [String: LatencySummary] = [:]
        for (name, recorder) in [
            ("submission_to_registered", submissionToRegistered), ("registered_to_routed", registeredToRouted),
            ("submission_to_routed", submissionToRouted), ("submission_to_routed_published", submissionToRoutedPublished),
        ] where recorder.summary.count > 0 {
            result[name] = recorder.summary
        }
        return result
    }
}
