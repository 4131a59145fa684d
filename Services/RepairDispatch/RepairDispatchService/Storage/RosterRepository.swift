import CareLoopContracts
import CareLoopStorage
import Foundation
import Logging
import PostgresNIO

/// Repair dispatch's SQL for technicians and vendor crews, and for the board's load.
struct RosterRepository {
    let connection: PostgresConnection
    let logger: Logger

    /// Every profile (inactive ones too), by id.
    func profiles() async throws -> [TechnicianProfile] {
        let rows = try await connection.query("SELECT profile::text FROM technicians ORDER BY technician_id", logger: logger)
        var result: [TechnicianProfile] = []
        for try await text in rows.decode(String.self) {
            result.append(try CareLoopJSON.decode(TechnicianProfile.self, from: Array(text.utf8)))
        }
        return result
    }

    /// The profile with `id`.
    func profile(_ id: String) async throws -> TechnicianProfile? {
        guard let text = try await connection.queryValue(
            "SELECT profile::text FROM technicians WHERE technician_id = \(id)", as: String.self, logger: logger)
        else { return nil }
        return try CareLoopJSON.decode(TechnicianProfile.self, from: Array(text.utf8))
    }

    /// Inserts or replaces a profile; returns whether it was new.
    @discardableResult
    func upsert(_ profile: TechnicianProfile) async throws -> Bool {
        let json = String(decoding: try CareLoopJSON.encode(profile), as: UTF8.self)
        return try await connection.queryValue(
            """
            INSERT INTO technicians (technician_id, profile, active) VALUES (\(profile.id), \(json)::jsonb, \(profile.active))
            ON CONFLICT (technician_id) DO UPDATE SET profile = EXCLUDED.profile, active = EXCLUDED.active, updated_at = now()
            RETURNING (xmax = 0)
            """, as: Bool.self, logger: logger) ?? false
    }

    /// Inserts the profiles that are not there yet (seeding never overwrites what staff changed); returns how many.
    func seed(_ profiles: [TechnicianProfile]) async throws -> Int {
        var inserted = 0
        for profile in profiles {
            let json = String(decoding: try CareLoopJSON.encode(profile), as: UTF8.self)
            let rows = try await connection.query(
                """
                INSERT INTO technicians (technician_id, profile, active) VALUES (\(profile.id), \(json)::jsonb, \(profile.active))
                ON CONFLICT (technician_id) DO NOTHING RETURNING 1
                """, logger: logger)
            for try await _ in rows { inserted += 1 }
        }
        return inserted
    }

    /// Open orders per technician (assigned or offered) and planned day; orders planned before `today` (or not
    /// planned) count on `today`.
    func plannedLoad(today: LocalDate) async throws -> [(technicianID: String, day: LocalDate, count: Int)] {
        let rows = try await connection.query(
            """
            SELECT coalesce(technician_id, offered_to) AS who,
                   greatest(coalesce(planned_day, \(today.description)::date), \(today.description)::date)::text AS day,
                   count(*)::int
            FROM work_orders
            WHERE status NOT IN ('completed', 'verified', 'cancelled') AND coalesce(technician_id, offered_to) IS NOT NULL
            GROUP BY 1, 2
            """, logger: logger)
        var result: [(String, LocalDate, Int)] = []
        for try await (technician, day, count) in rows.decode((String, String, Int).self) {
            guard let day = LocalDate(day) else { continue }
            result.append((technician, day, count))
        }
        return result
    }
}
