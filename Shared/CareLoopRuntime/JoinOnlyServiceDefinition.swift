import CareLoopStorage

/// A service that only joins the runtime: migrated schema, outbox relay, admin port and health.
/// Used by services whose domain behaviour has not landed yet.
package struct JoinOnlyServiceDefinition: ServiceDefinition {
    package let identity: ServiceIdentity

    package init(identity: ServiceIdentity) {
        self.identity = identity
    }

    package var migrations: [Migration] { [] }

    package func components(context: ServiceContext) async throws -> ServiceComponents { ServiceComponents() }
}
