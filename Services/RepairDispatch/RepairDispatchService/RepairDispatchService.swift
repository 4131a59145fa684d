import CareLoopRuntime

/// The repair-dispatch service. Until its own issue lands it joins the runtime (schema, outbox relay, admin
/// port), reports healthy and does nothing else.
package enum RepairDispatchService {
    /// The definition the executable runs.
    package static var definition: some ServiceDefinition { JoinOnlyServiceDefinition(identity: .repairDispatch) }
}
