/// The part of a home whose guarantee period applies to a repair (Ministry of Construction Order No. 80, 2000).
package enum WarrantyComponent: String, CaseIterable, Codable, Hashable, Sendable {
    /// Foundations and main structure: the design life.
    case structure
    /// Roof waterproofing, rooms with waterproofing (kitchen, bathroom) and external-wall anti-leakage.
    case waterproofing
    /// Heating and cooling systems: a number of heating/cooling seasons.
    case heatingCooling = "heating_cooling"
    /// Electrical wiring.
    case electrical
    /// Water supply and drainage pipes.
    case plumbing
    /// Equipment installation.
    case equipmentInstallation = "equipment_installation"
    /// Decoration (finishing).
    case decoration
}
