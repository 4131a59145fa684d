import CareLoopContracts
import CareLoopRuntime
import Foundation
import Logging
import PostgresNIO

/// Reflects what happens after routing on the case: repair work orders (`careloop.workorders.v1`: assigned,
/// contacted, completed, verified, reopened …) and call-back answers (`careloop.survey.responded` of kind
/// `callback` with a case id) that close a resolved case or reopen it to the repair lead.
///
/// Other survey kinds and survey responses without a case are skipped (no trace, no dead letter); types routing
/// does not take at all (invitations, expiries) never reach it. A work order or call-back for a case routing does
/// not know is rejected to the dead-letter topic.
struct CaseFollowUpHandler: CloudEventHandler {
    let ruleBook: RuleBook
    let eventSource: String

    var acceptedTypes: Set<EventType> { Set(Topic.workOrders.eventTypes + [.surveyResponded]) }

    /// One parsed event that concerns a case.
    private enum FollowUp {
        case workOrder(WorkOrderEventData)
        case callback(SurveyEventData, score: Int)
    }

    func apply(_ events: [InboundEvent], connection: PostgresConnection, logger: Logger) async throws -> [EventRejection] {
        let rules = await ruleBook.rules
        var rejections: [EventRejection] = []
        var followUps: [(index: Int, caseID: UUID, followUp: FollowUp, at: Date)] = []
        for (index, inbound) in events.enumerated() {
            if inbound.event.type == .surveyResponded {
                switch SurveyEventData.parse(json: inbound.event.data) {
                case .failure(let errors):
                    rejections.append(EventRejection(index: index, validationErrors: errors))
                case .success(let survey):
                    guard survey.surveyKind == .callback, let caseText = survey.caseID, let score = survey.score else { continue }
                    guard let caseID = UUID(uuidString: caseText) else {
                        rejections.append(EventRejection(index: index, errorClass: "validation", message: "case_id: not a case id of CareLoop"))
                        continue
                    }
                    followUps.append((index, caseID, .callback(survey, score: score), survey.occurredAt.date))
                }
            } else {
                switch WorkOrderEventData.parse(json: inbound.event.data) {
                case .failure(let errors):
                    rejections.append(EventRejection(index: index, validationErrors: errors))
                case .success(let workOrder):
                    guard let caseID = UUID(uuidString: workOrder.caseID) else {
                        rejections.append(EventRejection(index: index, errorClass: "validation", message: "case_id: not a case id of CareLoop"))
                        continue
                    }
                    followUps.append((index, caseID, .workOrder(workOrder), workOrder.occurredAt.date))
                }
            }
        }
        guard !followUps.isEmpty else { return rejections }

        // Lock every case of the batch at once, in case-id order (the order every writer uses).
        let locked = try await CaseStore.lock(Array(Set(followUps.map(\.caseID))), connection: connection, logger: logger)
        var records = Dictionary(uniqueKeysWithValues: locked.map { ($0.caseID, $0) })
        for entry in followUps {
            guard var record = records[entry.caseID] else {
                rejections.append(
                    EventRejection(index: entry.index, errorClass: "handler_rejected", message: "unknown case \(entry.caseID.uuidString.lowercased())"))
                continue
            }
            let context = rules.context(for: record)
            switch entry.followUp {
            case .workOrder(let workOrder):
                record.reflect(workOrder, at: entry.at, rules: context)
            case .callback(let survey, let score):
                record.applyCallback(
                    score: score, surveyID: survey.surveyID, satisfiedScore: rules.callbackSatisfiedScore, at: entry.at, rules: context)
            }
            records[entry.caseID] = record
        }
        let changed = records.values.filter(\.hasEffects).sorted { $0.caseID.uuidString < $1.caseID.uuidString }
        try await CaseStore.save(changed, now: Date(), eventSource: eventSource, connection: connection, logger: logger)
        for record in changed {
            logger.debug("Case followed up", metadata: ["case_id": "\(record.data.caseID)", "state": "\(record.state.rawValue)"])
        }
        return rejections
    }
}
