import CareLoopStorage
import Foundation
import Logging
import ServiceLifecycle

/// Completes a key rotation: every `interval`, reseals owners' names and phones and cases' original texts that are
/// still under an older key of the ring with the active key, a bounded batch per transaction, until none is left
/// (each batch is logged). Once no value is under the old key, it can leave `intake.piiKeys`.
struct PersonalDataResealer: Service {
    let database: Database
    let cipher: PersonalDataCipher
    var interval: Duration = .seconds(60)
    var batchSize = 200
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                while try await resealBatch() > 0 && !Task.isShuttingDownGracefully {}
            } catch {
                logger.warning("Resealing personal data failed; will retry", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    /// Reseals one batch of owners and one of case originals; returns how many values it resealed.
    @discardableResult
    func resealBatch() async throws -> Int {
        let ring = cipher.keyIDs
        let active = cipher.activeKeyID
        guard ring.count > 1 else { return 0 }
        return try await database.withTransaction { connection in
            let repository = OwnerRepository(connection: connection, logger: logger)
            var names: [(ownerID: String, sealed: PersonalDataCipher.Sealed)] = []
            var phones: [(ownerID: String, sealed: PersonalDataCipher.Sealed)] = []
            for owner in try await repository.lockStale(activeKeyID: active, ring: ring, limit: batchSize) {
                if let name = owner.name, cipher.needsResealing(name) {
                    let context = "owner.name:\(owner.ownerID)"
                    names.append((owner.ownerID, try cipher.seal(try cipher.open(name, context: context), context: context)))
                }
                if let phone = owner.phone, cipher.needsResealing(phone) {
                    let context = "owner.phone:\(owner.ownerID)"
                    phones.append((owner.ownerID, try cipher.seal(try cipher.open(phone, context: context), context: context)))
                }
            }
            try await repository.reseal(names: names, phones: phones)
            var originals: [(caseID: UUID, sealed: PersonalDataCipher.Sealed)] = []
            for stale in try await repository.lockStaleCaseOriginals(activeKeyID: active, ring: ring, limit: batchSize) {
                let context = "case.originals:\(stale.caseID.uuidString.lowercased())"
                originals.append((stale.caseID, try cipher.seal(try cipher.open(stale.sealed, context: context), context: context)))
            }
            try await repository.resealCaseOriginals(originals)
            let count = names.count + phones.count + originals.count
            if count > 0 { logger.info("Personal data resealed under the active key", metadata: ["values": "\(count)", "key_id": "\(active)"]) }
            return count
        }
    }
}
