import CareLoopContracts

/// A technician or vendor crew as the roster file and the admin API write it: the dispatch rules' ``Technician``
/// plus a display name, the vendor company of a crew and whether the entry is active.
///
/// ```json
/// { "id": "TECH-311", "name": "Zhang Wei", "kind": "technician", "skills": ["plumbing", "general"],
///   "zones": [{ "project": "SZ-FSG" }, { "project": "SZ-BAY", "building": "3" }],
///   "working_hours": { "start": "08:00", "end": "18:00", "utc_offset_minutes": 480 },
///   "daily_capacity": 6 }
/// ```
package struct TechnicianProfile: Hashable, Sendable, Codable {
    /// A zone as written in JSON: a whole project, or one building of it.
    package struct Zone: Hashable, Sendable, Codable {
        package var project: String
        package var building: String?

        package init(project: String, building: String? = nil) {
            self.project = project
            self.building = building
        }

        var serviceZone: ServiceZone {
            building.map { .building(project: project, building: $0) } ?? .project(project)
        }
    }

    /// Working hours as written in JSON (`HH:MM` local times).
    package struct Hours: Hashable, Sendable, Codable {
        package var start: String
        package var end: String
        package var utcOffsetMinutes: Int?

        package init(start: String = "08:00", end: String = "18:00", utcOffsetMinutes: Int? = nil) {
            self.start = start
            self.end = end
            self.utcOffsetMinutes = utcOffsetMinutes
        }

        enum CodingKeys: String, CodingKey {
            case start, end
            case utcOffsetMinutes = "utc_offset_minutes"
        }

        /// Minutes after midnight of `HH:MM`, `nil` when malformed.
        static func minutes(_ text: String) -> Int? {
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]),
                let minutes = Int(parts[1]), (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
            else { return nil }
            return hours * 60 + minutes
        }
    }

    package var id: String
    package var name: String
    package var kind: Technician.Kind
    /// The vendor company of a crew (`vendor_id` on work-order events); a crew without one is its own vendor.
    package var vendorID: String?
    package var skills: [TechnicianSkill]
    package var zones: [Zone]
    package var workingHours: Hours
    package var dailyCapacity: Int
    /// Defaults to true for vendor crews, false for technicians.
    package var acceptanceRequired: Bool?
    /// Inactive entries are kept for history but never chosen.
    package var active: Bool

    /// Makes a profile.
    package init(
        id: String, name: String, kind: Technician.Kind = .technician, vendorID: String? = nil, skills: [TechnicianSkill],
        zones: [Zone], workingHours: Hours = Hours(), dailyCapacity: Int = 6, acceptanceRequired: Bool? = nil, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.vendorID = vendorID
        self.skills = skills
        self.zones = zones
        self.workingHours = workingHours
        self.dailyCapacity = dailyCapacity
        self.acceptanceRequired = acceptanceRequired
        self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, skills, zones, active
        case vendorID = "vendor_id"
        case workingHours = "working_hours"
        case dailyCapacity = "daily_capacity"
        case acceptanceRequired = "acceptance_required"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decodeIfPresent(Technician.Kind.self, forKey: .kind) ?? .technician
        vendorID = try container.decodeIfPresent(String.self, forKey: .vendorID)
        skills = try container.decode([TechnicianSkill].self, forKey: .skills)
        zones = try container.decode([Zone].self, forKey: .zones)
        workingHours = try container.decodeIfPresent(Hours.self, forKey: .workingHours) ?? Hours()
        dailyCapacity = try container.decodeIfPresent(Int.self, forKey: .dailyCapacity) ?? 6
        acceptanceRequired = try container.decodeIfPresent(Bool.self, forKey: .acceptanceRequired)
        active = try container.decodeIfPresent(Bool.self, forKey: .active) ?? true
    }

    /// Every rule the profile breaks: ids and names bounded, at least one skill and zone, `HH:MM` hours with the
    /// end after the start, an offset within ±18 h, a capacity of 0–100 jobs a day.
    package func validate() -> [FieldError] {
        var validator = FieldValidator()
        validator.requireText(id, at: "id", maxLength: FieldLimits.identifier)
        validator.requireText(name, at: "name", maxLength: FieldLimits.personName)
        validator.limitText(vendorID, at: "vendor_id", maxLength: FieldLimits.identifier)
        if skills.isEmpty { validator.report("skills", .required, "must name at least one skill") }
        if zones.isEmpty { validator.report("zones", .required, "must name at least one project or building") }
        validator.maxItems(zones.count, maximum: 1_000, at: "zones")
        for (position, zone) in zones.enumerated() {
            validator.requireText(zone.project, at: "zones[\(position)].project", maxLength: FieldLimits.identifier)
            validator.limitText(zone.building, at: "zones[\(position)].building", maxLength: FieldLimits.identifier)
        }
        let start = Hours.minutes(workingHours.start)
        let end = Hours.minutes(workingHours.end)
        if start == nil { validator.report("working_hours.start", .type, "must be a local time HH:MM") }
        if end == nil { validator.report("working_hours.end", .type, "must be a local time HH:MM") }
        if let start, let end, end <= start { validator.report("working_hours.end", .order, "must be after the start") }
        validator.range(workingHours.utcOffsetMinutes, -18 * 60...18 * 60, at: "working_hours.utc_offset_minutes")
        validator.range(dailyCapacity, 0...100, at: "daily_capacity")
        return validator.errors
    }

    /// The dispatch rules' view; `defaultOffsetMinutes` applies when the hours name no offset. Call on a valid
    /// profile (malformed hours fall back to 08:00–18:00).
    package func technician(defaultOffsetMinutes: Int) -> Technician {
        Technician(
            id: id, kind: kind, skills: Set(skills), zones: Set(zones.map(\.serviceZone)),
            workingHours: WorkingHours(
                startMinute: Hours.minutes(workingHours.start) ?? 8 * 60, endMinute: Hours.minutes(workingHours.end) ?? 18 * 60,
                utcOffsetMinutes: workingHours.utcOffsetMinutes ?? defaultOffsetMinutes),
            dailyCapacity: dailyCapacity, acceptanceRequired: acceptanceRequired)
    }

    /// The vendor named on work-order events: the vendor company of a crew (the crew itself when none is
    /// given); `nil` for own technicians.
    package var eventVendorID: String? {
        kind == .vendorCrew ? (vendorID ?? id) : nil
    }
}
