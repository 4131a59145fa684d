import Testing

@testable import CareLoopHarness

@Suite("careloop-harness --set: settings for every service")
struct SettingOverridesTests {
    @Test("pairs go to every service; none given, none set")
    func pairs() throws {
        let options = try CommandOptions(["--set", "CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS=50,CARELOOP_KAFKA_CONSUMER_MAX_BATCH=500"])
        let overrides = try SharedOptions.settingOverrides(options, services: [.intake, .routing])
        let expected = ["CARELOOP_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS": "50", "CARELOOP_KAFKA_CONSUMER_MAX_BATCH": "500"]
        #expect(overrides == [.intake: expected, .routing: expected])
        #expect(try SharedOptions.settingOverrides(CommandOptions([]), services: [.intake]).isEmpty)
        let malloc = try SharedOptions.settingOverrides(CommandOptions(["--set", "MALLOC_ARENA_MAX=2"]), services: [.routing])
        #expect(malloc == [.routing: ["MALLOC_ARENA_MAX": "2"]])
    }

    @Test("a pair without a CARELOOP_ key or a value is a usage error naming it", arguments: ["fetch=50", "CARELOOP_X", "CARELOOP_X=", "LD_PRELOAD=x.so", "MALLOC_ARENA_MAX="])
    func refused(_ pair: String) throws {
        let options = try CommandOptions(["--set", pair])
        let error = #expect(throws: UsageError.self) { try SharedOptions.settingOverrides(options, services: [.intake]) }
        #expect(error.map { "\($0)".contains(pair) } == true)
    }
}
