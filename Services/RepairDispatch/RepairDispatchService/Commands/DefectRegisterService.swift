import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Keeps the defect register: every completed repair with a cause is an occurrence; a component-and-cause pair
/// found in at least the threshold's number of households becomes an entry with the next code. Counts are
/// always computed from the occurrences; staff edit the entry's words.
struct DefectRegisterService: Sendable {
    let parts: RepairDispatchParts

    /// Records the defect `order` repaired and opens a register entry when it now recurs.
    func record(_ order: WorkOrder, cause: String, threshold: Int, prefix: String, connection: PostgresConnection) async throws {
        let repository = DefectRegisterRepository(connection: connection, logger: parts.logger)
        let property = order.property
        var household = "case:\(order.caseID)"
        if let building = property.building, let unit = property.unit { household = "\(property.project)/\(building)/\(unit)" }
        let occurrence = DefectOccurrence(
            workOrderID: order.id, component: order.scope.component.rawValue, cause: cause, project: property.project,
            household: household, foundOn: clock.day(of: order.requestedAt), title: order.title)
        guard !occurrence.key.cause.isEmpty else { return }
        try await repository.record(occurrence)
        guard !(try await repository.hasEntry(for: occurrence.key)) else { return }
        guard let tally = DefectRegister.tally(try await repository.occurrences(of: [occurrence.key])).first,
            DefectRegister.isRecurring(tally, threshold: threshold)
        else { return }
        let code = try await repository.addEntry(for: tally, prefix: prefix)
        parts.logger.notice(
            "Recurring defect entered in the register",
            metadata: ["code": "\(code)", "component": "\(tally.key.component)", "households": "\(tally.households)"])
    }

    /// Every register entry with its current counts, by code.
    func entries() async throws -> [DefectRegisterEntry] {
        let logger = parts.logger
        return try await parts.database.withConnection { connection in
            let repository = DefectRegisterRepository(connection: connection, logger: logger)
            let staff = try await repository.entries()
            let tallies = DefectRegister.tally(
                try await repository.occurrences(of: staff.map { DefectKey(component: $0.component, cause: $0.cause_key) }))
            return Self.merge(staff, tallies)
        }
    }

    /// Replaces an entry's staff fields (description, cause wording, risk, decision, measure, department).
    func update(code: String, _ edit: DefectRegisterEdit) async throws -> DefectRegisterEntry? {
        let logger = parts.logger
        return try await parts.database.withTransaction { connection in
            let repository = DefectRegisterRepository(connection: connection, logger: logger)
            guard var fields = try await repository.entries(code: code, lock: true).first else { return nil }
            if let description = edit.description { fields.description = description }
            if let cause = edit.cause { fields.cause = cause }
            if let risk = edit.riskAndLoss { fields.risk_and_loss = risk.isEmpty ? nil : risk }
            if let decision = edit.decision { fields.decision = decision.isEmpty ? nil : decision }
            if let measure = edit.preventiveMeasure { fields.preventive_measure = measure.isEmpty ? nil : measure }
            if let department = edit.responsibleDepartment { fields.responsible_department = department.isEmpty ? nil : department }
            try await repository.update(fields)
            let tallies = DefectRegister.tally(
                try await repository.occurrences(of: [DefectKey(component: fields.component, cause: fields.cause_key)]))
            return Self.merge([fields], tallies).first
        }
    }

    /// The register as CSV (see ``CSVTable``).
    func csv() async throws -> String {
        CSVTable.render(header: DefectRegisterEntry.csvHeader, rows: try await entries().map(\.csvRow))
    }

    /// Entries with their counts; an entry whose occurrences are all gone (reopened and re-caused) keeps zero.
    static func merge(_ staff: [DefectRegisterRepository.StaffFields], _ tallies: [DefectTally]) -> [DefectRegisterEntry] {
        let byKey = Dictionary(tallies.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return staff.map { fields in
            let tally = byKey[DefectKey(component: fields.component, cause: fields.cause_key)]
            return DefectRegisterEntry(
                code: fields.code, component: fields.component, cause: fields.cause, description: fields.description,
                householdsAffected: tally?.households ?? 0, projects: tally?.projects ?? [],
                firstFound: tally?.firstFound ?? LocalDate(daysSince1970: 0), riskAndLoss: fields.risk_and_loss,
                decision: fields.decision, preventiveMeasure: fields.preventive_measure,
                responsibleDepartment: fields.responsible_department)
        }
    }

    private var clock: DispatchClock { parts.clock }
}

/// Staff's changes to a register entry; absent fields stay, empty strings clear optional ones.
struct DefectRegisterEdit: Codable, Sendable {
    var description: String?
    var cause: String?
    var riskAndLoss: String?
    var decision: String?
    var preventiveMeasure: String?
    var responsibleDepartment: String?

    enum CodingKeys: String, CodingKey {
        case description, cause, decision
        case riskAndLoss = "risk_and_loss"
        case preventiveMeasure = "preventive_measure"
        case responsibleDepartment = "responsible_department"
    }

    /// Length limits (descriptions and decisions ≤ 1,000 characters, department ≤ 128); description not blank.
    func validate() -> [FieldError] {
        var validator = FieldValidator()
        if let description { validator.requireText(description, at: "description", maxLength: FieldLimits.reason) }
        if let cause { validator.requireText(cause, at: "cause", maxLength: FieldLimits.reason) }
        validator.limitText(riskAndLoss, at: "risk_and_loss", maxLength: FieldLimits.reason)
        validator.limitText(decision, at: "decision", maxLength: FieldLimits.reason)
        validator.limitText(preventiveMeasure, at: "preventive_measure", maxLength: FieldLimits.reason)
        validator.limitText(responsibleDepartment, at: "responsible_department", maxLength: FieldLimits.label)
        return validator.errors
    }
}
