import CareLoopContracts
import CareLoopRuntime
import CareLoopStorage
import CareLoopTestSupport
import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import IntakeService

@Suite("Key rotation: stored personal data resealed under the active key", .timeLimit(.minutes(2)))
struct ResealerTests {
    static let keyA = Data([UInt8](repeating: 0xA1, count: 32)).base64EncodedString()
    static let keyB = Data([UInt8](repeating: 0xB2, count: 32)).base64EncodedString()
    static let lookup = Data([UInt8](repeating: 0x1C, count: 32)).base64EncodedString()

    @Test("values sealed under the old key still open; the resealer moves them all to the new key; the lookup still finds owners")
    func rotation() async throws {
        let before = ["intake.piiKeys": "a=\(Self.keyA)", "intake.piiLookupKey": Self.lookup]
        let after = ["intake.piiKeys": "a=\(Self.keyA),b=\(Self.keyB)", "intake.piiActiveKey": "b", "intake.piiLookupKey": Self.lookup]
        try await IntakeTestBed.with(settings: before) { bed in
            try await bed.registerOnTopic((0..<30).map { (source: "s", id: "\($0)", json: submissionJSON(owner: "OWN-\($0)", phone: "+861380000\(1000 + $0)")) })
            #expect(try await bed.count("SELECT count(*) FROM owners WHERE name_key_id = 'a' AND phone_key_id = 'a'") == 30)
            #expect(try await bed.count("SELECT count(*) FROM cases WHERE originals_key_id = 'a'") == 30)

            let rotated = try IntakeSettings(settings: SettingsLoader.inMemory(after))
            let resealer = PersonalDataResealer(database: bed.database, cipher: rotated.cipher, batchSize: 7, logger: PostgresTestCluster.logger)
            var total = 0
            while true {
                let count = try await resealer.resealBatch()
                if count == 0 { break }
                total += count
            }
            #expect(total == 90, "30 names, 30 phones, 30 case originals")
            #expect(try await bed.count("SELECT count(*) FROM owners WHERE name_key_id = 'b' AND phone_key_id = 'b'") == 30)
            #expect(try await bed.count("SELECT count(*) FROM cases WHERE originals_key_id = 'b'") == 30)

            // Only the new key is needed now.
            let onlyB = try IntakeSettings(
                settings: SettingsLoader.inMemory(["intake.piiKeys": "b=\(Self.keyB)", "intake.piiLookupKey": Self.lookup]))
            let owners = try await bed.database.withConnection { connection in
                try await OwnerRepository(connection: connection, logger: PostgresTestCluster.logger)
                    .find(phoneLookup: onlyB.phoneLookup.hash("+86 138 0000 1007"))
            }
            #expect(owners.map(\.ownerID) == ["OWN-7"])
            #expect(try owners.first?.masked(cipher: onlyB.cipher, today: Date()).phoneMasked == "+86138****1007")
            #expect(try owners.first?.phone.map { try onlyB.cipher.open($0, context: "owner.phone:OWN-7") } == "+8613800001007")
            let original = try await bed.database.withConnection { connection in
                try await connection.query("SELECT case_id, originals_sealed FROM cases LIMIT 1", logger: PostgresTestCluster.logger).collect()
            }
            let (caseID, sealed) = try #require(try original.first?.decode((UUID, ByteBuffer).self))
            let text = try onlyB.cipher.open(
                PersonalDataCipher.Sealed(keyID: "b", bytes: Array(sealed.readableBytesView)), context: "case.originals:\(caseID.uuidString.lowercased())")
            #expect(text.contains("Li Wei"), "the original description, name and all, is kept sealed")
            // Nothing left to do with a single key.
            #expect(try await PersonalDataResealer(database: bed.database, cipher: onlyB.cipher, logger: PostgresTestCluster.logger).resealBatch() == 0)
        }
    }
}
