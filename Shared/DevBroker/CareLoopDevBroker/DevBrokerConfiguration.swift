import CareLoopRuntime

/// Settings of the development broker (keys under `devbroker.`).
///
/// | key | env | default |
/// |---|---|---|
/// | `devbroker.brokers` | `CARELOOP_DEVBROKER_BROKERS` | 3 |
/// | `devbroker.defaultPartitions` | `CARELOOP_DEVBROKER_DEFAULT_PARTITIONS` | 6 |
/// | `devbroker.partitions` | `CARELOOP_DEVBROKER_PARTITIONS` | none (`topic=count,…`) |
/// | `devbroker.bootstrapFile` | `CARELOOP_DEVBROKER_BOOTSTRAP_FILE` | `.run/devbroker.bootstrap` |
/// | `devbroker.controlPort` | `CARELOOP_DEVBROKER_CONTROL_PORT` | 9190 (0 = any free port) |
/// | `devbroker.partitionMaxBytes` | `CARELOOP_DEVBROKER_PARTITION_MAX_BYTES` | 67108864 (64 MiB; patched librdkafka only) |
package struct DevBrokerConfiguration: Sendable {
    package var brokers = 3
    package var defaultPartitions = 6
    package var partitions: [String: Int] = [:]
    package var bootstrapFile = ".run/devbroker.bootstrap"
    /// Loopback only, by design: the control API can break the cluster.
    package let controlHost = "127.0.0.1"
    package var controlPort = 9190
    /// Bytes of records each partition keeps; the oldest go first. Only CareLoop's patched librdkafka honours it
    /// (`Shared/DevBroker/librdkafka/mock-fetch.patch`); Debian's keeps 5 MB.
    package var partitionMaxBytes = 64 << 20

    package init() {}

    /// Reads and validates the settings.
    package init(settings: SettingsReader) throws(InvalidSettingError) {
        brokers = try settings.int("devbroker.brokers", default: brokers, range: 1...9)
        defaultPartitions = try settings.int("devbroker.defaultPartitions", default: defaultPartitions, range: 1...256)
        for (topic, count) in try settings.properties("devbroker.partitions") {
            guard let number = Int(count), (1...256).contains(number) else {
                throw InvalidSettingError(key: "devbroker.partitions", problem: "'\(topic)=\(count)' needs 1...256 partitions")
            }
            partitions[topic] = number
        }
        bootstrapFile = settings.string("devbroker.bootstrapFile", default: bootstrapFile)
        controlPort = try settings.int("devbroker.controlPort", default: controlPort, range: 0...65535)
        partitionMaxBytes = try settings.int(
            "devbroker.partitionMaxBytes", default: partitionMaxBytes, range: (1 << 20)...(16 << 30))
    }

    /// The file next to the bootstrap file that holds the control API's base URL.
    package var controlFile: String { bootstrapFile + ".control" }
}
