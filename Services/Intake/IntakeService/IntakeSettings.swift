import CareLoopContracts
import CareLoopRuntime
import Crypto
import Foundation

/// Intake's own settings (keys under `intake.`), read and checked once at start-up.
///
/// | key | default |
/// |---|---|
/// | `intake.propertySeedFile` | `Services/Intake/seed/properties.json` (relative to the working directory, else next to this source tree) |
/// | `intake.propertyRefreshMs` | `30000`: how often a replica reloads the registry from the database |
/// | `intake.maxFutureSkewMs` | `300000`: how far `submitted_at` may lie ahead of the time of receipt |
/// | `intake.piiKeys` | the development key `dev` (never in production): `id=base64 key,…`, 32-byte AES keys |
/// | `intake.piiActiveKey` | the only key when there is one; required with several |
/// | `intake.piiLookupKey` | the development lookup key (with the development keys only): base64, ≥ 32 bytes |
struct IntakeSettings: Sendable {
    /// The registry document read from the seed file.
    var seed: PropertyDocument
    /// Where the seed came from (for logs).
    var seedPath: String
    var refreshInterval: Duration
    var maxFutureSkew: Duration
    var cipher: PersonalDataCipher
    var phoneLookup: PhoneLookup
    /// Whether the built-in development keys are in use (logged as a warning at start).
    var usesDevelopmentKeys: Bool

    /// The development-only encryption key (id `dev`): public, so it protects nothing.
    static let developmentKey = (id: "dev", base64: Data("careloop-dev-only-pii-key-000000".utf8).base64EncodedString())
    /// The development-only lookup key.
    static let developmentLookupKey = Data("careloop-dev-only-lookup-key-000".utf8).base64EncodedString()

    init(settings: SettingsReader) throws {
        seedPath = try Self.locateSeed(settings.optionalString("intake.propertySeedFile"))
        do {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: seedPath))
            seed = try PropertyDocument.parse(json: bytes).get()
        } catch {
            throw InvalidSettingError(key: "intake.propertySeedFile", problem: "cannot use '\(seedPath)': \(error)")
        }
        refreshInterval = try settings.milliseconds("intake.propertyRefreshMs", default: .seconds(30), range: 1_000...3_600_000)
        maxFutureSkew = try settings.milliseconds(
            "intake.maxFutureSkewMs", default: VoiceSubmission.defaultMaxFutureSkew, range: 0...86_400_000)

        var keyTexts = try settings.properties("intake.piiKeys")
        let lookupText = settings.optionalString("intake.piiLookupKey", secret: true)
        usesDevelopmentKeys = keyTexts.isEmpty
        if usesDevelopmentKeys {
            guard lookupText == nil else {
                throw InvalidSettingError(key: "intake.piiKeys", problem: "required when intake.piiLookupKey is set")
            }
            keyTexts = [Self.developmentKey.id: Self.developmentKey.base64]
        }
        var keys: [String: SymmetricKey] = [:]
        for (id, text) in keyTexts {
            guard id.count <= 32, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw InvalidSettingError(key: "intake.piiKeys", problem: "key id '\(id.prefix(40))' must be 1-32 letters, digits, - or _")
            }
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw InvalidSettingError(key: "intake.piiKeys", problem: "key '\(id)' is not 32 bytes of base64")
            }
            keys[id] = SymmetricKey(data: bytes)
        }
        let active: String
        if let named = settings.optionalString("intake.piiActiveKey") {
            active = named
        } else if keys.count == 1, let only = keys.keys.first {
            active = only
        } else {
            throw InvalidSettingError(key: "intake.piiActiveKey", problem: "required when intake.piiKeys holds several keys")
        }
        do {
            cipher = try PersonalDataCipher(keys: keys, activeKeyID: active)
        } catch {
            throw InvalidSettingError(key: "intake.piiActiveKey", problem: "\(error)")
        }
        if usesDevelopmentKeys {
            phoneLookup = PhoneLookup(key: SymmetricKey(data: Data(base64Encoded: Self.developmentLookupKey)!))
        } else {
            guard let lookupText else {
                throw InvalidSettingError(key: "intake.piiLookupKey", problem: "required when intake.piiKeys is set")
            }
            guard let bytes = Data(base64Encoded: lookupText), bytes.count >= 32 else {
                throw InvalidSettingError(key: "intake.piiLookupKey", problem: "must be at least 32 bytes of base64")
            }
            phoneLookup = PhoneLookup(key: SymmetricKey(data: bytes))
        }
    }

    /// The configured seed path, or the default relative to the working directory or to this source tree.
    private static func locateSeed(_ configured: String?) throws -> String {
        if let configured { return configured }
        let relative = "Services/Intake/seed/properties.json"
        if FileManager.default.fileExists(atPath: relative) { return relative }
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("seed/properties.json").path
        guard FileManager.default.fileExists(atPath: sourceTree) else {
            throw InvalidSettingError(key: "intake.propertySeedFile", problem: "not set and '\(relative)' does not exist")
        }
        return sourceTree
    }
}
