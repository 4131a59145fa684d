import CareLoopContracts
import Foundation

/// The filters and page of `GET /v1/cases?city=&project=&status=&kind=&owner_id=&inspection_batch=&from=&to=&cursor=&limit=`.
struct CaseListQuery: Hashable, Sendable {
    var city: String?
    var project: String?
    var status: String?
    var kind: String?
    var ownerID: String?
    var inspectionBatch: String?
    /// Registered at or after.
    var from: Timestamp?
    /// Registered before.
    var to: Timestamp?
    /// The last case id of the previous page.
    var after: UUID?
    var limit: Int

    /// Default and largest page sizes.
    static let defaultLimit = 50
    static let maxLimit = 200

    /// Parses query parameters (first value of each), reporting every bad one at once under its name.
    static func parse(_ parameters: [String: String]) -> Result<CaseListQuery, ValidationErrors> {
        var validator = FieldValidator()
        func text(_ name: String, maxLength: Int = FieldLimits.identifier) -> String? {
            guard let value = parameters[name] else { return nil }
            validator.requireText(value, at: name, maxLength: maxLength)
            return value
        }
        func time(_ name: String) -> Timestamp? {
            guard let value = parameters[name] else { return nil }
            do {
                return try Timestamp(rfc3339: value)
            } catch {
                validator.report(name, .rfc3339, "must be an RFC 3339 time, e.g. 2026-11-22T00:00:00+08:00")
                return nil
            }
        }
        var query = CaseListQuery(limit: defaultLimit)
        query.city = text("city")
        query.project = text("project")
        query.ownerID = text("owner_id")
        query.inspectionBatch = text("inspection_batch", maxLength: FieldLimits.label)
        if let status = parameters["status"] {
            validator.requireKnown(CaseStatus(rawValue: status), at: "status")
            query.status = status
        }
        if let kind = parameters["kind"] {
            validator.requireKnown(VoiceKind(rawValue: kind), at: "kind")
            query.kind = kind
        }
        query.from = time("from")
        query.to = time("to")
        if let from = query.from, let to = query.to {
            validator.order(earlier: from, later: to, at: "to")
        }
        if let cursor = parameters["cursor"] {
            query.after = UUID(uuidString: cursor)
            if query.after == nil { validator.report("cursor", .type, "must be a next_cursor of an earlier page") }
        }
        if let limit = parameters["limit"] {
            if let number = Int(limit) {
                validator.range(number, 1...maxLimit, at: "limit")
                query.limit = number
            } else {
                validator.report("limit", .type, "must be a whole number from 1 to \(maxLimit)")
            }
        }
        return validator.errors.isEmpty ? .success(query) : .failure(ValidationErrors(validator.errors))
    }
}
