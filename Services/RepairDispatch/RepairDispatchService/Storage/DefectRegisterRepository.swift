import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Repair dispatch's SQL for the defect register: repaired defects with a cause, and the register's entries.
struct DefectRegisterRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Records (or, after a reopened repair, replaces) the defect a work order repaired.
    func record(_ occurrence: DefectOccurrence) async throws {
        guard let uuid = UUID(uuidString: occurrence.workOrderID) else { return }
        try await connection.query(
            """
            INSERT INTO defect_occurrences (work_order_id, component, cause_key, cause, project, household, found_on, title)
            VALUES (\(uuid), \(occurrence.component), \(occurrence.key.cause), \(occurrence.cause), \(occurrence.project),
                    \(occurrence.household), \(occurrence.foundOn.description)::date, \(occurrence.title))
            ON CONFLICT (work_order_id) DO UPDATE SET component = EXCLUDED.component, cause_key = EXCLUDED.cause_key,
                cause = EXCLUDED.cause, project = EXCLUDED.project, household = EXCLUDED.household,
                found_on = EXCLUDED.found_on, title = EXCLUDED.title
            """, logger: logger)
    }

    /// The occurrences of the defects `keys`.
    func occurrences(of keys: [DefectKey]) async throws -> [DefectOccurrence] {
        guard !keys.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT work_order_id::text, component, cause, project, household, found_on::text, title
            FROM defect_occurrences
            WHERE (component, cause_key) IN (SELECT * FROM unnest(\(keys.map(\.component))::text[], \(keys.map(\.cause))::text[]))
            """, logger: logger)
        var result: [DefectOccurrence] = []
        for try await (order, component, cause, project, household, found, title)
            in rows.decode((String, String, String, String, String, String, String?).self)
        {
            guard let foundOn = LocalDate(found) else { continue }
            result.append(
                DefectOccurrence(
                    workOrderID: order, component: component, cause: cause, project: project, household: household,
                    foundOn: foundOn, title: title))
        }
        return result
    }

    /// Whether the register has an entry for `key`.
    func hasEntry(for key: DefectKey) async throws -> Bool {
        try await connection.queryValue(
            "SELECT true FROM defect_register WHERE component = \(key.component) AND cause_key = \(key.cause)",
            as: Bool.self, logger: logger) ?? false
    }

    /// Adds an entry for a newly recurring defect under the next code of `prefix`; returns the code.
    func addEntry(for tally: DefectTally, prefix: String) async throws -> String {
        let number = try await connection.queryValue(
            """
            INSERT INTO defect_register_counter (prefix, last_value) VALUES (\(prefix), 1)
            ON CONFLICT (prefix) DO UPDATE SET last_value = defect_register_counter.last_value + 1
            RETURNING last_value
            """, as: Int.self, logger: logger) ?? 1
        let code = DefectRegister.code(prefix: prefix, number: number)
        let description = tally.firstTitle ?? "\(tally.key.component): \(tally.cause)"
        try await connection.query(
            """
            INSERT INTO defect_register (code, component, cause_key, cause, description)
            VALUES (\(code), \(tally.key.component), \(tally.key.cause), \(tally.cause), \(description))
            """, logger: logger)
        return code
    }

    /// What staff keep per entry.
    struct StaffFields: Codable, Sendable, Hashable {
        var code: String
        var component: String
        var cause_key: String
        var cause: String
        var description: String
        var risk_and_loss: String?
        var decision: String?
        var preventive_measure: String?
        var responsible_department: String?
    }

    /// Every entry's staff fields, by code; or the one with `code`.
    func entries(code: String? = nil, lock: Bool = false) async throws -> [StaffFields] {
        let rows = try await connection.query(
            """
            SELECT to_jsonb(r)::text FROM defect_register r WHERE (\(code)::text IS NULL OR code = \(code))
            ORDER BY code \(unescaped: lock ? "FOR UPDATE" : "")
            """, logger: logger)
        var result: [StaffFields] = []
        for try await text in rows.decode(String.self) {
            result.append(try CareLoopJSON.decode(StaffFields.self, from: Array(text.utf8)))
        }
        return result
    }

    /// Writes an entry's staff fields.
    func update(_ fields: StaffFields) async throws {
        try await connection.query(
            """
            UPDATE defect_register SET cause = \(fields.cause), description = \(fields.description),
                risk_and_loss = \(fields.risk_and_loss), decision = \(fields.decision),
                preventive_measure = \(fields.preventive_measure), responsible_department = \(fields.responsible_department),
                updated_at = now()
            WHERE code = \(fields.code)
            """, logger: logger)
    }
}
