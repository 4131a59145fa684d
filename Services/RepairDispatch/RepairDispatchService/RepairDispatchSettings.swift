import CareLoopContracts
import CareLoopRuntime
import Foundation

/// Repair dispatch's own settings (keys under `repairDispatch.`), read and validated once at start-up.
///
/// | key | default |
/// |---|---|
/// | `repairDispatch.timeZone` | `Asia/Shanghai`: days (planned days, "today", visit slots) are counted here |
/// | `repairDispatch.contactWindowMs` | 86400000 (the 24-hour contact rule) |
/// | `repairDispatch.contactWarningPercent` | `75`: warn when this share of the window has passed (comma list for several) |
/// | `repairDispatch.assignmentRetryMs` | 900000 (15 min) |
/// | `repairDispatch.acceptanceTimeoutMs` | 7200000 (2 h) |
/// | `repairDispatch.planningHorizonDays` | 14 |
/// | `repairDispatch.generalFallback` | false: `general` technicians take other trades when no specialist can |
/// | `repairDispatch.slotMinutes` | 120 |
/// | `repairDispatch.timerPollMs` | 1000 |
/// | `repairDispatch.timerBatchSize` | 100 |
/// | `repairDispatch.rosterRefreshMs` | 30000 |
/// | `repairDispatch.designLifeYears` | 50 |
/// | `repairDispatch.registerThreshold` | 3 households |
/// | `repairDispatch.registerCodePrefix` | `SJ` |
/// | `repairDispatch.techniciansFile` | none: JSON `{ "technicians": [TechnicianProfile] }` seeded at start |
/// | `repairDispatch.projectsFile` | none: JSON `{ "projects": [ProjectDelivery] }` seeded at start |
struct RepairDispatchSettings: Sendable {
    var timeZone: TimeZone
    var contactRule: ContactDeadline.Configuration
    var assignmentRetry: Duration
    var acceptanceTimeout: Duration
    var horizonDays: Int
    var generalFallback: Bool
    var slotMinutes: Int
    var timerPoll: Duration
    var timerBatchSize: Int
    var rosterRefresh: Duration
    var warrantyPolicy: WarrantyPolicy
    var registerThreshold: Int
    var registerCodePrefix: String
    var seedTechnicians: [TechnicianProfile]
    var seedProjects: [ProjectDelivery]

    init(settings: SettingsReader) throws {
        let zoneName = settings.string("repairDispatch.timeZone", default: "Asia/Shanghai")
        guard let zone = TimeZone(identifier: zoneName) else {
            throw InvalidSettingError(key: "repairDispatch.timeZone", problem: "'\(zoneName)' is not an IANA time zone")
        }
        timeZone = zone
        let window = try settings.milliseconds("repairDispatch.contactWindowMs", default: .seconds(86_400), range: 60_000...30 * 86_400_000)
        let percents = try Self.percents(settings.string("repairDispatch.contactWarningPercent", default: "75"))
        contactRule = ContactDeadline.Configuration(
            windowSeconds: window.wholeMilliseconds / 1000, warningFractions: percents.map { Double($0) / 100 })
        assignmentRetry = try settings.milliseconds("repairDispatch.assignmentRetryMs", default: .seconds(900), range: 1_000...86_400_000)
        acceptanceTimeout = try settings.milliseconds(
            "repairDispatch.acceptanceTimeoutMs", default: .seconds(7_200), range: 1_000...7 * 86_400_000)
        horizonDays = try settings.int("repairDispatch.planningHorizonDays", default: 14, range: 1...366)
        generalFallback = try settings.bool("repairDispatch.generalFallback", default: false)
        slotMinutes = try settings.int("repairDispatch.slotMinutes", default: 120, range: 15...720)
        timerPoll = try settings.milliseconds("repairDispatch.timerPollMs", default: .seconds(1), range: 10...600_000)
        timerBatchSize = try settings.int("repairDispatch.timerBatchSize", default: 100, range: 1...10_000)
        rosterRefresh = try settings.milliseconds("repairDispatch.rosterRefreshMs", default: .seconds(30), range: 100...3_600_000)
        warrantyPolicy = WarrantyPolicy(designLifeYears: try settings.int("repairDispatch.designLifeYears", default: 50, range: 1...200))
        registerThreshold = try settings.int("repairDispatch.registerThreshold", default: 3, range: 1...100_000)
        registerCodePrefix = settings.string("repairDispatch.registerCodePrefix", default: "SJ")
        guard registerCodePrefix.count <= 16, registerCodePrefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw InvalidSettingError(key: "repairDispatch.registerCodePrefix", problem: "use up to 16 ASCII letters, digits or '-'")
        }
        seedTechnicians = try Self.seed(
            settings.optionalString("repairDispatch.techniciansFile"), key: "repairDispatch.techniciansFile",
            as: TechniciansFile.self
        )?.technicians ?? []
        for profile in seedTechnicians where !profile.validate().isEmpty {
            throw InvalidSettingError(
                key: "repairDispatch.techniciansFile",
                problem: "technician '\(profile.id)': \(ValidationErrors(profile.validate()).description)")
        }
        seedProjects = try Self.seed(
            settings.optionalString("repairDispatch.projectsFile"), key: "repairDispatch.projectsFile", as: ProjectsFile.self
        )?.projects ?? []
        for project in seedProjects where !project.validate().isEmpty {
            throw InvalidSettingError(
                key: "repairDispatch.projectsFile", problem: "project '\(project.project)': \(ValidationErrors(project.validate()).description)")
        }
    }

    /// The seed file of technicians and vendor crews.
    struct TechniciansFile: Decodable {
        var technicians: [TechnicianProfile]
    }

    /// The seed file of projects' delivery dates and warranty promises.
    struct ProjectsFile: Decodable {
        var projects: [ProjectDelivery]
    }

    private static func seed<File: Decodable>(_ path: String?, key: String, as type: File.Type) throws -> File? {
        guard let path else { return nil }
        do {
            return try CareLoopJSON.decode(File.self, from: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        } catch {
            throw InvalidSettingError(key: key, problem: "cannot read '\(path)': \(error)")
        }
    }

    private static func percents(_ text: String) throws -> [Int] {
        var result: [Int] = []
        for part in text.split(separator: ",") {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), (1...99).contains(value) else {
                throw InvalidSettingError(
                    key: "repairDispatch.contactWarningPercent", problem: "'\(text)' must be whole percents 1–99, comma-separated")
            }
            result.append(value)
        }
        return result
    }
}
