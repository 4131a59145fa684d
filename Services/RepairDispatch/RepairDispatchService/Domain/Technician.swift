/// A person or crew who can be sent to repair work, with the trades, places and hours they cover.
package struct Technician: Hashable, Sendable, Codable, Identifiable {
    /// Our own warranty technician or a subcontracted vendor crew.
    package enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case technician
        case vendorCrew = "vendor_crew"
    }

    /// Stable id; also the last tie-break when ranking.
    package var id: String
    /// Technician or vendor crew.
    package var kind: Kind
    /// Trades covered; `general` is used for other trades only when the policy allows it.
    package var skills: Set<TechnicianSkill>
    /// Whole projects or single buildings covered.
    package var zones: Set<ServiceZone>
    /// Daily working hours, used to cut visit slots.
    package var workingHours: WorkingHours
    /// Jobs a day; at or above it nothing more is assigned.
    package var dailyCapacity: Int
    /// The crew must accept an assignment before it counts (vendor crews usually do).
    package var acceptanceRequired: Bool

    /// Makes a technician; vendor crews need acceptance unless told otherwise.
    package init(
        id: String, kind: Kind = .technician, skills: Set<TechnicianSkill>, zones: Set<ServiceZone>,
        workingHours: WorkingHours = WorkingHours(), dailyCapacity: Int = 6, acceptanceRequired: Bool? = nil
    ) {
        self.id = id
        self.kind = kind
        self.skills = skills
        self.zones = zones
        self.workingHours = workingHours
        self.dailyCapacity = dailyCapacity
        self.acceptanceRequired = acceptanceRequired ?? (kind == .vendorCrew)
    }

    /// Whether the technician covers `building` of `project`.
    package func covers(project: String, building: String?) -> Bool {
        if zones.contains(.project(project)) { return true }
        guard let building else { return false }
        return zones.contains(.building(project: project, building: building))
    }
}

/// A trade a repair needs.
package enum TechnicianSkill: String, Hashable, Sendable, Codable, CaseIterable {
    case plumbing, electrical, waterproofing, carpentry, windows, finishing
    case hvac
    case general
}

/// Where a technician works: a whole project or one building of it.
package enum ServiceZone: Hashable, Sendable, Codable {
    case project(String)
    case building(project: String, building: String)
}

/// Daily working hours in the project's local time, `start..<end` in minutes after midnight.
package struct WorkingHours: Hashable, Sendable, Codable {
    /// Minutes after local midnight the day starts; default 08:00.
    package var startMinute: Int = 8 * 60
    /// Minutes after local midnight the day ends; default 18:00.
    package var endMinute: Int = 18 * 60
    /// The local time's offset east of UTC, in minutes; default China Standard Time (+08:00).
    package var utcOffsetMinutes: Int = 8 * 60

    /// Makes working hours.
    package init(startMinute: Int = 8 * 60, endMinute: Int = 18 * 60, utcOffsetMinutes: Int = 8 * 60) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.utcOffsetMinutes = utcOffsetMinutes
    }
}
