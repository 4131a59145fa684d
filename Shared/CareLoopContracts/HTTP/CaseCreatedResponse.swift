/// The body of `201 Created` (and `200` for a repeated `Idempotency-Key`) from `POST /v1/cases`.
package struct CaseCreatedResponse: Codable, Hashable, Sendable {
    /// CareLoop's case id.
    package var caseID: String
    /// The reference given to the owner, e.g. `SZ-2026-000123`.
    package var reference: String

    /// Makes the response.
    package init(caseID: String, reference: String) {
        self.caseID = caseID
        self.reference = reference
    }

    enum CodingKeys: String, CodingKey {
        case reference
        case caseID = "case_id"
    }
}
