import CareLoopContracts
import Foundation
import Logging
import PostgresNIO

/// An owner row as stored: sealed name and phone with their key ids.
struct StoredOwner: Sendable {
    var ownerID: String
    var name: PersonalDataCipher.Sealed?
    var phone: PersonalDataCipher.Sealed?
    var language: String?
    var moveInDate: CivilDate?
    var timeZone: TimeZone

    /// The owner with name and phone opened and masked, and today's lifecycle stage.
    func masked(cipher: PersonalDataCipher, today instant: Date) throws -> OwnerRecord {
        OwnerRecord(
            ownerID: ownerID,
            nameMasked: try name.map { PersonalDataMask.name(try cipher.open($0, context: "owner.name:\(ownerID)")) },
            phoneMasked: try phone.map { PersonalDataMask.phone(try cipher.open($0, context: "owner.phone:\(ownerID)")) },
            language: language, moveInDate: moveInDate?.fullDate,
            lifecycleStage: LifecycleStage.stage(moveIn: moveInDate, today: CivilDate.on(instant, in: timeZone)))
    }
}

/// Intake's SQL for owners beyond registration: look-ups by phone and resealing under a new key.
struct OwnerRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Owners whose phone has the lookup hash `hash` (served by `owners_phone_lookup`).
    func find(phoneLookup hash: [UInt8]) async throws -> [StoredOwner] {
        let rows = try await connection.query(
            """
            SELECT o.owner_id, o.name_sealed, o.name_key_id, o.phone_sealed, o.phone_key_id, o.language, o.move_in_date::text,
                (SELECT ci.time_zone FROM cases c JOIN cities ci ON ci.city = c.city WHERE c.owner_id = o.owner_id
                 ORDER BY c.case_id DESC LIMIT 1)
            FROM owners o WHERE o.phone_lookup = \(ByteBuffer(bytes: hash)) ORDER BY o.owner_id
            """, logger: logger)
        var owners: [StoredOwner] = []
        for try await (id, name, nameKey, phone, phoneKey, language, moveIn, zone) in rows.decode(
            (String, ByteBuffer?, String?, ByteBuffer?, String?, String?, String?, String?).self)
        {
            owners.append(
                StoredOwner(
                    ownerID: id, name: Self.sealed(name, nameKey), phone: Self.sealed(phone, phoneKey), language: language,
                    moveInDate: moveIn.flatMap(CivilDate.init(fullDate:)),
                    timeZone: zone.flatMap(TimeZone.init(identifier:)) ?? .gmt))
        }
        return owners
    }

    /// Up to `limit` owners with a name or phone sealed under a key of `ring` other than `activeKeyID`, locked
    /// (skipping rows other replicas hold) until the transaction ends.
    func lockStale(activeKeyID: String, ring: [String], limit: Int) async throws -> [StoredOwner] {
        let rows = try await connection.query(
            """
            SELECT owner_id, name_sealed, name_key_id, phone_sealed, phone_key_id FROM owners
            WHERE (name_key_id <> \(activeKeyID) AND name_key_id = ANY(\(ring)::text[]))
               OR (phone_key_id <> \(activeKeyID) AND phone_key_id = ANY(\(ring)::text[]))
            LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var owners: [StoredOwner] = []
        for try await (id, name, nameKey, phone, phoneKey) in rows.decode((String, ByteBuffer?, String?, ByteBuffer?, String?).self) {
            owners.append(StoredOwner(ownerID: id, name: Self.sealed(name, nameKey), phone: Self.sealed(phone, phoneKey), timeZone: .gmt))
        }
        return owners
    }

    /// Stores resealed values: `names` and `phones` by owner id; one round trip each.
    func reseal(names: [(ownerID: String, sealed: PersonalDataCipher.Sealed)], phones: [(ownerID: String, sealed: PersonalDataCipher.Sealed)])
        async throws
    {
        for (column, values) in [("name", names), ("phone", phones)] where !values.isEmpty {
            try await connection.query(
                """
                UPDATE owners o SET \(unescaped: column)_sealed = v.sealed, \(unescaped: column)_key_id = v.key_id
                FROM unnest(\(values.map(\.ownerID))::text[], \(values.map { ByteBuffer(bytes: $0.sealed.bytes) })::bytea[],
                    \(values.map(\.sealed.keyID))::text[]) AS v(owner_id, sealed, key_id)
                WHERE o.owner_id = v.owner_id
                """, logger: logger)
        }
    }

    /// Up to `limit` cases whose original texts are sealed under a key of `ring` other than `activeKeyID`, locked.
    func lockStaleCaseOriginals(activeKeyID: String, ring: [String], limit: Int) async throws -> [(caseID: UUID, sealed: PersonalDataCipher.Sealed)] {
        let rows = try await connection.query(
            """
            SELECT case_id, originals_sealed, originals_key_id FROM cases
            WHERE originals_key_id <> \(activeKeyID) AND originals_key_id = ANY(\(ring)::text[])
            LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var cases: [(UUID, PersonalDataCipher.Sealed)] = []
        for try await (id, bytes, keyID) in rows.decode((UUID, ByteBuffer, String).self) {
            cases.append((id, PersonalDataCipher.Sealed(keyID: keyID, bytes: Array(bytes.readableBytesView))))
        }
        return cases
    }

    /// Stores resealed case originals; one round trip.
    func resealCaseOriginals(_ values: [(caseID: UUID, sealed: PersonalDataCipher.Sealed)]) async throws {
        guard !values.isEmpty else { return }
        try await connection.query(
            """
            UPDATE cases c SET originals_sealed = v.sealed, originals_key_id = v.key_id
            FROM unnest(\(values.map(\.caseID))::uuid[], \(values.map { ByteBuffer(bytes: $0.sealed.bytes) })::bytea[],
                \(values.map(\.sealed.keyID))::text[]) AS v(case_id, sealed, key_id)
            WHERE c.case_id = v.case_id
            """, logger: logger)
    }

    private static func sealed(_ bytes: ByteBuffer?, _ keyID: String?) -> PersonalDataCipher.Sealed? {
        guard let bytes, let keyID else { return nil }
        return PersonalDataCipher.Sealed(keyID: keyID, bytes: Array(bytes.readableBytesView))
    }
}
