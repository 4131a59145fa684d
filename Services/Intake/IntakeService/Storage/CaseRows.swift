import CareLoopContracts
import Foundation

/// One row of `cases` as handed to PostgreSQL; texts are already redacted.
struct CaseRow: Sendable {
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
    var originals: [UInt8]
    var originalsKeyID: String
    var submittedAt: Timestamp
    var registeredAt: Timestamp

    /// The attachments as a JSON array (`[]` for none).
    func attachmentsJSON() throws -> String {
        attachments.isEmpty ? "[]" : try RowsJSON.encode(attachments)
    }
}

/// One owner's upsert from one submission: sealed name and phone (absent ones keep their stored values), lookup
/// hash, language, move-in date and lifecycle stage.
struct OwnerRow: Sendable {
    /// The submission the values come from: applied only when it is registered now; the latest value of each
    /// field wins among several submissions of one owner.
    var source: String
    var externalID: String
    var position: Int
    var ownerID: String
    var name: PersonalDataCipher.Sealed?
    var phone: PersonalDataCipher.Sealed?
    var phoneLookup: [UInt8]?
    var language: String?
    var moveInDate: String?
    var lifecycleStage: String?
    var seenAt: Timestamp
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
        try CompactJSONEncoder(dates: .deferredToDate).encodeString(rows)
    }
}
