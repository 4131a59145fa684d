import CareLoopContracts
import Foundation
import Logging
import PostgresNIO

/// Intake's SQL for reading cases (the HTTP API), outside any transaction.
struct CaseReadRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// A case with its owner and timeline, or `nil`; `today` gives the owner's lifecycle stage, the city's default
    /// language fills in for an owner who named none.
    func detail(caseID: UUID, now: Date) async throws -> CaseDetail? {
        let rows = try await connection.query(
            """
            SELECT c.case_id, c.reference, c.source, c.external_id, c.submission_item, c.status, c.kind, c.channel, c.category,
                c.category_hint, c.severity, c.department, c.city, c.project, c.building, c.unit, c.owner_id, c.title,
                c.description, c.attachments::text AS attachments, c.inspection_batch, c.taker, c.acknowledge_by, c.respond_by,
                c.resolve_by, c.submitted_at, c.registered_at, COALESCE(c.updated_at, c.registered_at) AS updated_at,
                COALESCE(o.language, ci.language) AS language, o.move_in_date::text AS move_in_date, ci.time_zone
            FROM cases c
            LEFT JOIN owners o ON o.owner_id = c.owner_id
            LEFT JOIN cities ci ON ci.city = c.city
            WHERE c.case_id = \(caseID)
            """, logger: logger
        ).collect()
        guard let first = rows.first else { return nil }
        let row = first.makeRandomAccess()
        func column<Value: PostgresDecodable>(_ name: String, _ type: Value.Type = Value.self) throws -> Value {
            try row[name].decode(Value.self)
        }
        let moveInDate = try column("move_in_date", String?.self).flatMap(CivilDate.init(fullDate:))
        let zone = try column("time_zone", String?.self).flatMap(TimeZone.init(identifier:)) ?? .gmt
        var due: CaseDeadlines?
        if let acknowledgeBy = try column("acknowledge_by", Date?.self), let respondBy = try column("respond_by", Date?.self),
            let resolveBy = try column("resolve_by", Date?.self)
        {
            due = CaseDeadlines(acknowledgeBy: Timestamp(acknowledgeBy), respondBy: Timestamp(respondBy), resolveBy: Timestamp(resolveBy))
        }
        let ownerID: String = try column("owner_id")
        return CaseDetail(
            caseID: try column("case_id", UUID.self).uuidString.lowercased(), reference: try column("reference"),
            externalRef: ExternalReference(source: try column("source"), id: try column("external_id")),
            submissionItem: try column("submission_item"), status: try column("status"), kind: try column("kind"),
            channel: try column("channel"), category: try column("category"), categoryHint: try column("category_hint"),
            severity: try column("severity"), department: try column("department"),
            property: PropertyAddress(
                city: try column("city"), project: try column("project"), building: try column("building"), unit: try column("unit")),
            owner: OwnerSummary(
                id: ownerID, language: try column("language"), moveInDate: moveInDate?.fullDate,
                lifecycleStage: LifecycleStage.stage(moveIn: moveInDate, today: CivilDate.on(now, in: zone))),
            title: try column("title"), description: try column("description"),
            attachments: (try? CareLoopJSON.decode([VoiceSubmission.Attachment].self, from: Array(try column("attachments", String.self).utf8)))
                ?? [],
            inspectionBatch: try column("inspection_batch"), taker: try column("taker"), due: due,
            submittedAt: Timestamp(try column("submitted_at", Date.self)), registeredAt: Timestamp(try column("registered_at", Date.self)),
            updatedAt: Timestamp(try column("updated_at", Date.self)), timeline: try await timeline(caseID: caseID))
    }

    /// The timeline of a case, oldest entry first.
    func timeline(caseID: UUID) async throws -> [TimelineItem] {
        let rows = try await connection.query(
            """
            SELECT entry, status, occurred_at, actor, channel, reason, details::text FROM case_timeline
            WHERE case_id = \(caseID) ORDER BY occurred_at, entry_id
            """, logger: logger)
        var items: [TimelineItem] = []
        for try await (entry, status, occurredAt, actor, channel, reason, details) in rows.decode(
            (String, String, Date, String?, String?, String?, String).self)
        {
            let decoded = try? CareLoopJSON.decode(TimelineItem.Details.self, from: Array(details.utf8))
            items.append(
                TimelineItem(
                    entry: entry, status: status, occurredAt: Timestamp(occurredAt), actor: actor, channel: channel, reason: reason,
                    details: decoded == TimelineItem.Details() ? nil : decoded))
        }
        return items
    }

    /// One page of cases matching `query`, limited to `cities` when not empty, in case-id order.
    func page(_ query: CaseListQuery, cities: [String]) async throws -> CasePage {
        let rows = try await connection.query(
            """
            SELECT case_id, reference, status, kind, channel, category, severity, city, project, building, unit, owner_id, title,
                inspection_batch, registered_at, COALESCE(updated_at, registered_at)
            FROM cases
            WHERE (\(query.city)::text IS NULL OR city = \(query.city))
              AND (\(query.project)::text IS NULL OR project = \(query.project))
              AND (\(query.status)::text IS NULL OR status = \(query.status))
              AND (\(query.kind)::text IS NULL OR kind = \(query.kind))
              AND (\(query.ownerID)::text IS NULL OR owner_id = \(query.ownerID))
              AND (\(query.inspectionBatch)::text IS NULL OR inspection_batch = \(query.inspectionBatch))
              AND (\(query.from?.date)::timestamptz IS NULL OR registered_at >= \(query.from?.date))
              AND (\(query.to?.date)::timestamptz IS NULL OR registered_at < \(query.to?.date))
              AND (\(query.after)::uuid IS NULL OR case_id > \(query.after))
              AND (cardinality(\(cities)::text[]) = 0 OR city = ANY(\(cities)::text[]))
            ORDER BY case_id
            LIMIT \(query.limit + 1)
            """, logger: logger)
        var items: [CaseSummary] = []
        for try await row in rows {
            let (id, reference, status, kind, channel, category, severity, city, project, building, unit, ownerID, title, batch,
                registeredAt, updatedAt) = try row.decode(
                    (UUID, String, String, String, String, String?, String?, String, String, String?, String?, String, String?, String?,
                        Date, Date).self)
            items.append(
                CaseSummary(
                    caseID: id.uuidString.lowercased(), reference: reference, status: status, kind: kind, channel: channel,
                    category: category, severity: severity,
                    property: PropertyAddress(city: city, project: project, building: building, unit: unit), ownerID: ownerID,
                    title: title, inspectionBatch: batch, registeredAt: Timestamp(registeredAt), updatedAt: Timestamp(updatedAt)))
        }
        let more = items.count > query.limit
        if more { items.removeLast() }
        return CasePage(items: items, nextCursor: more ? items.last?.caseID : nil)
    }
}
