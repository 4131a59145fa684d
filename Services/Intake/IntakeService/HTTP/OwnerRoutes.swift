import CareLoopContracts
import CareLoopHTTP
import CareLoopStorage
import Foundation
import Hummingbird
import Logging

/// `GET /v1/owners?phone=…`: finds owners by phone number through the keyed hash, answering them masked.
struct OwnerRoutes: Sendable {
    let database: Database
    let cipher: PersonalDataCipher
    let phoneLookup: PhoneLookup
    let now: @Sendable () -> Date

    func add(to router: Router<APIRequestContext>) {
        router.get("/v1/owners", use: find)
    }

    /// The owners whose phone is the number asked (written in any usual way), with masked name and phone.
    @Sendable func find(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.read)
        guard let phone = request.uri.queryParameters["phone"].map(String.init) else {
            throw ProblemError.validation([FieldError(path: "phone", rule: .required, message: "the query parameter is required")])
        }
        let normalized = PhoneLookup.normalize(phone)
        guard FieldValidator.isE164(normalized) else {
            throw ProblemError.validation([FieldError(path: "phone", rule: .e164, message: "must be an E.164 phone number")])
        }
        let stored = try await database.withConnection { connection in
            try await OwnerRepository(connection: connection, logger: context.logger).find(phoneLookup: phoneLookup.hash(normalized))
        }
        var owners: [OwnerRecord] = []
        for owner in stored {
            owners.append(try owner.masked(cipher: cipher, today: now()))
        }
        return try JSONResponse.make(OwnerList(owners: owners))
    }
}

/// The body of `GET /v1/owners`.
struct OwnerList: Codable, Hashable, Sendable {
    var owners: [OwnerRecord]
}

/// An owner as the API shows it: name and phone masked.
struct OwnerRecord: Codable, Hashable, Sendable {
    var ownerID: String
    var nameMasked: String?
    var phoneMasked: String?
    var language: String?
    var moveInDate: String?
    var lifecycleStage: LifecycleStage?

    enum CodingKeys: String, CodingKey {
        case language
        case ownerID = "owner_id"
        case nameMasked = "name_masked"
        case phoneMasked = "phone_masked"
        case moveInDate = "move_in_date"
        case lifecycleStage = "lifecycle_stage"
    }
}
