/// The caller behind an API key: what it may do and in which cities.
package struct APIClient: Sendable, Hashable {
    /// The key's public id (the part of the key before the secret), e.g. `k3f9x2m7q1ab`.
    package var id: String
    /// A human name for the key's holder, e.g. `acme-crm` or `front-desk-sz`.
    package var name: String
    /// What the key may do.
    package var scopes: Set<APIScope>
    /// The cities the key covers; empty means every city.
    package var cities: Set<String>
    /// Who acts through the key (a staff or technician id), recorded as the actor of their actions.
    package var subject: String?
    /// The key's own request rate limit per second, overriding the service default.
    package var ratePerSecond: Double?

    /// Makes a client.
    package init(
        id: String, name: String, scopes: Set<APIScope>, cities: Set<String> = [], subject: String? = nil, ratePerSecond: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.cities = cities
        self.subject = subject
        self.ratePerSecond = ratePerSecond
    }

    /// Whether the key covers `city` (a key without cities covers all).
    package func covers(city: String) -> Bool {
        cities.isEmpty || cities.contains(city)
    }

    /// Who to record as the actor of a change made through this key: its subject, else `key:<id>`.
    package var actor: String {
        subject ?? "key:\(id)"
    }
}
