import CareLoopContracts
import Foundation

/// One row of `cases` as handed to PostgreSQL (`jsonb_to_recordset`); texts are already redacted.
struct CaseRow: Encodable, Sendable {
    var caseID: UUID
    var reference: String
    var source: String
    var externalID: String
    var submissionItem: Int
    var kind: String
    var channel: String
    var city: String
    var project: String
    var building: String?
    var unit: String?
    var ownerID: String
    var title: String?
    var description: String
    var categoryHint: String?
    var attachments: [VoiceSubmission.Attachment]
    var inspectionBatch: String?
    var taker: String
    var category: String
    var severity: String
    var department: String
    var acknowledgeBy: Timestamp
    var respondBy: Timestamp
    var resolveBy: Timestamp
    /// The original title and description, sealed.
    var originals: Data
    var originalsKeyID: String
    var submittedAt: Timestamp
    var registeredAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case reference, source, kind, channel, city, project, building, unit, title, description, attachments, taker, category
        case severity, department, originals
        case caseID = "case_id"
        case externalID = "external_id"
        case submissionItem = "submission_item"
        case ownerID = "owner_id"
        case categoryHint = "category_hint"
        case inspectionBatch = "inspection_batch"
        case acknowledgeBy = "acknowledge_by"
        case respondBy = "respond_by"
        case resolveBy = "resolve_by"
        case originalsKeyID = "originals_key_id"
        case submittedAt = "submitted_at"
        case registeredAt = "registered_at"
    }
}

/// One owner's upsert: sealed name and phone (absent ones keep their stored values), lookup hash, language, move-in
/// date and lifecycle stage.
struct OwnerRow: Encodable, Sendable {
    var ownerID: String
    var nameSealed: Data?
    var nameKeyID: String?
    var phoneSealed: Data?
    var phoneKeyID: String?
    var phoneLookup: Data?
    var language: String?
    var moveInDate: String?
    var lifecycleStage: String?
    var seenAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case language
        case ownerID = "owner_id"
        case nameSealed = "name_sealed"
        case nameKeyID = "name_key_id"
        case phoneSealed = "phone_sealed"
        case phoneKeyID = "phone_key_id"
        case phoneLookup = "phone_lookup"
        case moveInDate = "move_in_date"
        case lifecycleStage = "lifecycle_stage"
        case seenAt = "seen_at"
    }
}

/// A case as registered: what `POST /v1/cases` answers.
package struct RegisteredCase: Hashable, Sendable {
    /// The case id.
    package var caseID: UUID
    /// The human reference.
    package var reference: String
}

/// Rows as one `jsonb` parameter.
enum RowsJSON {
    /// `rows` as a compact JSON array (Foundation's default `Data` encoding is base64, read with `decode(…, 'base64')`).
    static func encode(_ rows: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }
}
