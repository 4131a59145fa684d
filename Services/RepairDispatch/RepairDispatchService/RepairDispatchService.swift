import CareLoopRuntime

/// The repair-dispatch service.
package enum RepairDispatchService {
    /// The definition the executable runs.
    package static var definition: some ServiceDefinition { RepairDispatchServiceDefinition() }
}
