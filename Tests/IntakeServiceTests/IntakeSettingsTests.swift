import CareLoopRuntime
import Crypto
import Foundation
import Testing

@testable import IntakeService

@Suite("Intake settings")
struct IntakeSettingsTests {
    static let key1 = Data([UInt8](repeating: 1, count: 32)).base64EncodedString()
    static let key2 = Data([UInt8](repeating: 2, count: 32)).base64EncodedString()

    static func settings(_ values: [String: String]) throws -> IntakeSettings {
        try IntakeSettings(settings: SettingsLoader.inMemory(values))
    }

    static func problem(_ values: [String: String]) -> String? {
        do {
            _ = try settings(values)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("defaults: the shipped seed, 30 s refresh, 5 min skew, the development keys (flagged)")
    func defaults() throws {
        let settings = try Self.settings([:])
        #expect(settings.seed.cities.count >= 20)
        #expect(settings.refreshInterval == .seconds(30))
        #expect(settings.maxFutureSkew == .seconds(300))
        #expect(settings.usesDevelopmentKeys)
        #expect(settings.cipher.activeKeyID == "dev")
    }

    @Test("configured keys: several readable, the named one active; the lookup key is required with them")
    func keys() throws {
        let lookup = Data([UInt8](repeating: 9, count: 32)).base64EncodedString()
        let settings = try Self.settings([
            "intake.piiKeys": "2026a=\(Self.key1),2026b=\(Self.key2)", "intake.piiActiveKey": "2026b", "intake.piiLookupKey": lookup,
        ])
        #expect(!settings.usesDevelopmentKeys)
        #expect(settings.cipher.keyIDs == ["2026a", "2026b"])
        #expect(try settings.cipher.seal("x", context: "c").keyID == "2026b")
        #expect(settings.phoneLookup.hash("+8613800138000") == PhoneLookup(key: SymmetricKey(data: Data(base64Encoded: lookup)!)).hash("+8613800138000"))
        // One key is active by itself.
        #expect(try Self.settings(["intake.piiKeys": "only=\(Self.key1)", "intake.piiLookupKey": lookup]).cipher.activeKeyID == "only")
    }

    @Test(
        "unusable settings name their key",
        arguments: [
            (["intake.piiKeys": "a=\(IntakeSettingsTests.key1),b=\(IntakeSettingsTests.key2)", "intake.piiLookupKey": IntakeSettingsTests.key1], "intake.piiActiveKey"),
            (["intake.piiKeys": "a=\(IntakeSettingsTests.key1)", "intake.piiActiveKey": "b", "intake.piiLookupKey": IntakeSettingsTests.key1], "intake.piiActiveKey"),
            (["intake.piiKeys": "a=c2hvcnQ=", "intake.piiLookupKey": IntakeSettingsTests.key1], "intake.piiKeys"),
            (["intake.piiKeys": "a b=\(IntakeSettingsTests.key1)", "intake.piiLookupKey": IntakeSettingsTests.key1], "intake.piiKeys"),
            (["intake.piiKeys": "a=\(IntakeSettingsTests.key1)"], "intake.piiLookupKey"),
            (["intake.piiKeys": "a=\(IntakeSettingsTests.key1)", "intake.piiLookupKey": "c2hvcnQ="], "intake.piiLookupKey"),
            (["intake.piiLookupKey": IntakeSettingsTests.key1], "intake.piiKeys"),
            (["intake.propertySeedFile": "/nonexistent/properties.json"], "intake.propertySeedFile"),
            (["intake.propertyRefreshMs": "10"], "intake.propertyRefreshMs"),
            (["intake.maxFutureSkewMs": "-1"], "intake.maxFutureSkewMs"),
        ])
    func invalid(values: [String: String], key: String) {
        let problem = Self.problem(values)
        #expect(problem?.contains("invalid setting \(key) ") == true, "\(problem ?? "accepted")")
    }

    @Test("an invalid seed file stops start-up with the failing field")
    func invalidSeed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        try Data(#"{"cities":[{"code":"x","name":"X","reference_prefix":"x","time_zone":"UTC","language":"en","projects":[]}]}"#.utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let problem = Self.problem(["intake.propertySeedFile": file.path])
        #expect(problem?.contains("intake.propertySeedFile") == true)
        #expect(problem?.contains("reference_prefix") == true, "\(problem ?? "accepted")")
    }
}
