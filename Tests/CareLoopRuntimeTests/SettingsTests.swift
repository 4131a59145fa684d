import CareLoopKafka
import CareLoopRuntime
import CareLoopStorage
import Foundation
import Testing

@Suite("Settings: defaults, validation and one-line errors")
struct SettingsTests {
    private let minimal = ["kafka.bootstrapServers": "127.0.0.1:9092"]

    @Test(
        "environment variable names follow the key",
        arguments: [
            ("kafka.bootstrapServers", "CARELOOP_KAFKA_BOOTSTRAP_SERVERS"),
            ("kafka.consumer.fetchWaitMaxMs", "CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS"),
            ("database.poolSize", "CARELOOP_DATABASE_POOL_SIZE"),
            ("log.level", "CARELOOP_LOG_LEVEL"),
        ])
    func environmentNames(key: String, variable: String) {
        #expect(SettingsReader.environmentVariable(for: key) == variable)
    }

    @Test("environment variables reach the settings through the CARELOOP_ prefix")
    func environment() async throws {
        let settings = try await SettingsLoader.load(environment: [
            "CARELOOP_KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092", "CARELOOP_DATABASE_POOL_SIZE": "7",
            "CARELOOP_KAFKA_PROPERTIES": "security.protocol=SASL_SSL,sasl.mechanism=PLAIN",
        ])
        let runtime = try RuntimeSettings(identity: .intake, settings: settings)
        #expect(runtime.kafka.bootstrapServers == "k1:9092,k2:9092")
        #expect(runtime.database.poolSize == 7)
        #expect(runtime.kafka.properties == ["security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN"])
    }

    @Test("documented defaults apply when nothing is set")
    func defaults() throws {
        let runtime = try RuntimeSettings(identity: .routing, settings: SettingsLoader.inMemory(minimal))
        #expect(runtime.adminPort == 9102)
        #expect(runtime.httpPort == 8082)
        #expect(runtime.database.user == "careloop_routing")
        #expect(runtime.database.schema == "routing")
        #expect(runtime.database.database == "careloop")
        #expect(runtime.consumer(topics: ["careloop.cases.v1"]).groupID == "careloop-routing")
        #expect(runtime.eventSource == "careloop://routing")
        #expect(runtime.consumerTuning.maxBatch == 2000)
        #expect(runtime.database.connectionMaxLifetime == .seconds(120))
        #expect(runtime.malloc.arenaMax == 2)
        #expect(runtime.malloc.mmapThreshold == 131_072)
    }

    @Test("0 turns the connection lifetime and the malloc settings off")
    func zeroTurnsOff() throws {
        let runtime = try RuntimeSettings(identity: .routing, settings: SettingsLoader.inMemory(minimal.merging([
            "database.connectionMaxLifetimeMs": "0", "memory.mallocArenaMax": "0", "memory.mallocMmapThresholdBytes": "0",
        ]) { _, new in new }))
        #expect(runtime.database.connectionMaxLifetime == nil)
        #expect(runtime.malloc.arenaMax == nil)
        #expect(runtime.malloc.mmapThreshold == nil)
        // Nothing left to apply.
        #expect(runtime.malloc.apply(environment: [:]) == [])
    }

    @Test("malloc settings apply unless the operator set glibc's own variables", arguments: MallocTuning.overridingVariables)
    func mallocTuning(variable: String) {
        var tuning = MallocTuning()
        tuning.arenaMax = nil
        #expect(tuning.apply(environment: [variable: "1"]) == [])
        #expect(tuning.apply(environment: ["CARELOOP_LOG_LEVEL": "info"]) == ["mmap_threshold=131072"])
    }

    @Test(
        "an unusable value stops start-up naming the key and its variable",
        arguments: [
            (["database.port": "abc"], "database.port (CARELOOP_DATABASE_PORT)"),
            (["admin.port": "70000"], "admin.port (CARELOOP_ADMIN_PORT)"),
            (["log.level": "loud"], "log.level (CARELOOP_LOG_LEVEL)"),
            (["kafka.properties": "novalue"], "kafka.properties (CARELOOP_KAFKA_PROPERTIES)"),
            (["kafka.producer.compression": "brotli"], "kafka.producer.compression"),
            (["memory.mallocMmapThresholdBytes": "-1"], "memory.mallocMmapThresholdBytes (CARELOOP_MEMORY_MALLOC_MMAP_THRESHOLD_BYTES)"),
        ])
    func invalid(values: [String: String], named: String) {
        let settings = SettingsLoader.inMemory(minimal.merging(values) { _, new in new })
        #expect {
            _ = try RuntimeSettings(identity: .intake, settings: settings)
        } throws: { error in
            "\(error)".contains(named) && !"\(error)".contains("\n")
        }
    }

    @Test("a missing Kafka address names both ways to give it")
    func missingBootstrap() {
        #expect {
            _ = try RuntimeSettings(identity: .intake, settings: SettingsLoader.inMemory([:]))
        } throws: { error in
            "\(error)" == "invalid setting kafka.bootstrapServers (CARELOOP_KAFKA_BOOTSTRAP_SERVERS): required (or set kafka.bootstrapFile)"
        }
    }

    @Test("the bootstrap file written by the dev broker is read")
    func bootstrapFile() throws {
        let path = "/tmp/careloop-settings-test-\(UInt32.random(in: 0...UInt32.max)).bootstrap"
        try "127.0.0.1:1234,127.0.0.1:5678\n".write(toFile: path, atomically: true, encoding: .utf8)
        let runtime = try RuntimeSettings(identity: .intake, settings: SettingsLoader.inMemory(["kafka.bootstrapFile": path]))
        #expect(runtime.kafka.bootstrapServers == "127.0.0.1:1234,127.0.0.1:5678")
        #expect {
            _ = try RuntimeSettings(identity: .intake, settings: SettingsLoader.inMemory(["kafka.bootstrapFile": path + ".missing"]))
        } throws: { "\($0)".contains("kafka.bootstrapFile") }
    }
}
