import Crypto
import Foundation
import Testing

@testable import IntakeService

@Suite("Owners' personal data: encryption, key rotation, lookup hash, masking")
struct PersonalDataProtectionTests {
    static func key(_ byte: UInt8) -> SymmetricKey { SymmetricKey(data: [UInt8](repeating: byte, count: 32)) }

    @Test("a sealed value opens to the same text and shows none of it")
    func roundTrip() throws {
        let cipher = try PersonalDataCipher(keys: ["k1": Self.key(1)], activeKeyID: "k1")
        for text in ["+8613800138000", "Li Wei", "李伟", ""] {
            let sealed = try cipher.seal(text, context: "owner.phone:OWN-1")
            #expect(sealed.keyID == "k1")
            #expect(sealed.bytes.count == 12 + text.utf8.count + 16, "nonce, ciphertext, tag")
            #expect(try cipher.open(sealed, context: "owner.phone:OWN-1") == text)
            if !text.isEmpty {
                #expect(!String(decoding: sealed.bytes, as: UTF8.self).contains(text))
            }
        }
        // A fresh nonce every time: the same text never seals to the same bytes.
        #expect(try cipher.seal("Li Wei", context: "c").bytes != cipher.seal("Li Wei", context: "c").bytes)
    }

    @Test("a value does not open under another context, and altered bytes are refused")
    func contextAndIntegrity() throws {
        let cipher = try PersonalDataCipher(keys: ["k1": Self.key(1)], activeKeyID: "k1")
        let sealed = try cipher.seal("+8613800138000", context: "owner.phone:OWN-1")
        #expect(throws: (any Error).self) { try cipher.open(sealed, context: "owner.phone:OWN-2") }
        #expect(throws: (any Error).self) { try cipher.open(sealed, context: "owner.name:OWN-1") }
        var altered = sealed
        altered.bytes[14] ^= 0x01
        #expect(throws: (any Error).self) { try cipher.open(altered, context: "owner.phone:OWN-1") }
    }

    @Test("rotation: a new active key seals new values; values under the old key still open while it is in the ring")
    func rotation() throws {
        let before = try PersonalDataCipher(keys: ["2026a": Self.key(1)], activeKeyID: "2026a")
        let old = try before.seal("Li Wei", context: "owner.name:OWN-1")
        let after = try PersonalDataCipher(keys: ["2026a": Self.key(1), "2026b": Self.key(2)], activeKeyID: "2026b")
        #expect(try after.open(old, context: "owner.name:OWN-1") == "Li Wei")
        #expect(after.needsResealing(old))
        let new = try after.seal("Li Wei", context: "owner.name:OWN-1")
        #expect(new.keyID == "2026b")
        #expect(!after.needsResealing(new))
        // Once the old key is retired, its values no longer open, and the error says which key is missing.
        let retired = try PersonalDataCipher(keys: ["2026b": Self.key(2)], activeKeyID: "2026b")
        #expect(try retired.open(new, context: "owner.name:OWN-1") == "Li Wei")
        let missing = #expect(throws: PersonalDataCipher.Failure.self) { try retired.open(old, context: "owner.name:OWN-1") }
        #expect(missing?.description.contains("2026a") == true)
        // A key id pointing at the wrong key does not open.
        let swapped = PersonalDataCipher.Sealed(keyID: "2026b", bytes: old.bytes)
        #expect(throws: (any Error).self) { try after.open(swapped, context: "owner.name:OWN-1") }
    }

    @Test("the active key must be in the ring and every key 256 bits")
    func ringRules() {
        #expect(throws: PersonalDataCipher.Failure.self) { try PersonalDataCipher(keys: ["a": Self.key(1)], activeKeyID: "b") }
        #expect(throws: PersonalDataCipher.Failure.self) {
            try PersonalDataCipher(keys: ["a": SymmetricKey(data: [UInt8](repeating: 1, count: 16))], activeKeyID: "a")
        }
    }

    @Test("the phone lookup hash: keyed, stable, the same for every way of writing a number")
    func lookupHash() {
        let lookup = PhoneLookup(key: Self.key(7))
        let hash = lookup.hash("+8613800138000")
        #expect(hash.count == 32)
        for written in ["+86 138 0013 8000", "+86-138-0013-8000", "008613800138000", "+86 (138) 0013.8000"] {
            #expect(lookup.hash(written) == hash, "\(written)")
        }
        #expect(lookup.hash("+8613800138001") != hash)
        #expect(PhoneLookup(key: Self.key(8)).hash("+8613800138000") != hash, "another lookup key, another hash")
        #expect(Array(SHA256.hash(data: Data("+8613800138000".utf8))) != hash, "not a plain hash anyone could recompute")
    }

    @Test(
        "phones are masked, keeping the start and the end",
        arguments: [
            ("+8613800138000", "+86138****8000"), ("+4915112345678", "+49151****5678"), ("+1234567", "+12****67"),
            ("+123456", "+12****56"), ("+12345", "****"), ("", "****"),
        ])
    func phoneMask(phone: String, masked: String) {
        #expect(PersonalDataMask.phone(phone) == masked)
    }

    @Test("names are masked after their first character", arguments: [("Li Wei", "L*****"), ("李伟", "李*"), ("欧阳娜娜", "欧***"), ("", "")])
    func nameMask(name: String, masked: String) {
        #expect(PersonalDataMask.name(name) == masked)
    }
}
