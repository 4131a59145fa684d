/// What an API key may do. A key holds one or more scopes.
package enum APIScope: String, CaseIterable, Codable, Sendable {
    /// Read cases (and other resources) in the key's cities.
    case read
    /// Submit cases in the key's cities.
    case write
    /// Staff actions on cases (acknowledge, reassign, resolve, close …).
    case staff
    /// A technician's or vendor crew's actions on their work orders.
    case technician
    /// Administration: property registry, technicians, rules.
    case admin
}
