import CareLoopHTTP
import CareLoopStorage
import Foundation
import Hummingbird

/// Intake's public HTTP API (documented in `docs/openapi/intake.json`): cases, the property registry and owner
/// look-ups, on a router that already authenticates API keys and limits rate and body size.
struct IntakeAPI: Sendable {
    let cases: CaseRoutes
    let properties: PropertyRoutes
    let owners: OwnerRoutes

    init(
        database: Database, batcher: RegistrationBatcher, registry: LivePropertyRegistry, cipher: PersonalDataCipher,
        phoneLookup: PhoneLookup, numbers: ReferenceNumbers, maxFutureSkew: Duration, now: @escaping @Sendable () -> Date
    ) {
        cases = CaseRoutes(database: database, batcher: batcher, registry: registry, maxFutureSkew: maxFutureSkew, now: now)
        properties = PropertyRoutes(database: database, registry: registry, numbers: numbers)
        owners = OwnerRoutes(database: database, cipher: cipher, phoneLookup: phoneLookup, now: now)
    }

    /// Adds every route to `router` and returns it.
    @discardableResult
    func add(to router: Router<APIRequestContext>) -> Router<APIRequestContext> {
        cases.add(to: router)
        properties.add(to: router)
        owners.add(to: router)
        return router
    }
}
