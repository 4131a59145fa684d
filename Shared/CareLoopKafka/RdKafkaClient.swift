import CRdKafka
import Foundation
import Logging
import Metrics
import Synchronization

/// What librdkafka's callbacks need from Swift: a logger, metric labels and, for consumers, the
/// rebalance hook. Reached from C through the client's opaque pointer.
final class ClientCallbacks: Sendable {
    let logger: Logger
    let clientKind: String
    let rebalance: Mutex<(@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?> = Mutex(nil)
    /// Set when librdkafka reports a fatal error; the client is unusable and readiness fails.
    let fatalError = Mutex<String?>(nil)

    init(logger: Logger, clientKind: String) {
        self.logger = logger
        self.clientKind = clientKind
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientCallbacks? {
        opaque.map { Unmanaged<ClientCallbacks>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// Owns one librdkafka handle and its configuration callbacks.
///
/// `@unchecked Sendable`: the handle is thread-safe for the calls we make (librdkafka documents its
/// API as thread-safe apart from `rd_kafka_destroy`, which only `destroy()` calls, once, on the
/// owner's blocking thread).
final class RdKafkaClient: @unchecked Sendable {
    let handle: OpaquePointer
    let callbacks: ClientCallbacks
    private let retainedCallbacks: Unmanaged<ClientCallbacks>
    private let destroyed = Mutex(false)

    /// Creates a producer or consumer handle from librdkafka properties.
    /// - Parameter configure: sets type-specific callbacks on the configuration before the handle exists.
    init(
        type: rd_kafka_type_t, properties: [String: String], callbacks: ClientCallbacks,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError(.configuration, "rd_kafka_conf_new failed") }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &errorBuffer, errorBuffer.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let reason = String(cString: errorBuffer)
                throw KafkaError(.configuration, "Kafka property '\(key)' rejected: \(reason)")
            }
        }
        let retained = Unmanaged.passRetained(callbacks)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback)
        rd_kafka_conf_set_stats_cb(conf, rdKafkaStatisticsCallback)
        configure(conf)
        guard let handle = rd_kafka_new(type, conf, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw KafkaError(.clientCreation, String(cString: errorBuffer))
        }
        self.handle = handle
        self.callbacks = callbacks
        self.retainedCallbacks = retained
    }

    /// Destroys the handle; call once, from a blocking thread (it may wait for librdkafka's threads).
    func destroy() {
        let first = destroyed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        rd_kafka_destroy(handle)
        retainedCallbacks.release()
    }

    /// The fatal error librdkafka reported, if any (for readiness).
    var fatalError: String? { callbacks.fatalError.withLock { $0 } }
}

private let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    handle, level, facility, message in
    guard let handle, let callbacks = ClientCallbacks.from(rd_kafka_opaque(handle)) else { return }
    let text = message.map { String(cString: $0) } ?? ""
    let metadata: Logger.Metadata = [
        "kafka_facility": .string(facility.map { String(cString: $0) } ?? ""),
        "kafka_client": .string(callbacks.clientKind),
    ]
    // syslog levels: 0-2 critical, 3 error, 4 warning, 5-6 info, 7 debug
    switch level {
    case ...2: callbacks.logger.critical("\(text)", metadata: metadata)
    case 3: callbacks.logger.error("\(text)", metadata: metadata)
    case 4: callbacks.logger.warning("\(text)", metadata: metadata)
    case 5...6: callbacks.logger.info("\(text)", metadata: metadata)
    default: callbacks.logger.debug("\(text)", metadata: metadata)
    }
}

private let rdKafkaErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    handle, code, reason, opaque in
    guard let callbacks = ClientCallbacks.from(opaque) else { return }
    let text = reason.map { String(cString: $0) } ?? ""
    let err = rd_kafka_resp_err_t(rawValue: code)
    Counter(label: "careloop_kafka_errors_total", dimensions: [("client", callbacks.clientKind)]).increment()
    if err == RD_KAFKA_RESP_ERR__FATAL, let handle {
        var buffer = [CChar](repeating: 0, count: 512)
        let original = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        let message = "\(String(cString: rd_kafka_err2name(original))): \(String(cString: buffer))"
        callbacks.fatalError.withLock { $0 = message }
        callbacks.logger.critical("Kafka client fatal error", metadata: ["error": .string(message)])
    } else {
        // Transient broker errors (all brokers down, timeouts) are retried by librdkafka itself.
        callbacks.logger.warning(
            "Kafka client error", metadata: ["error": .string(String(cString: rd_kafka_err2name(err))), "reason": .string(text)])
    }
}

private let rdKafkaStatisticsCallback: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
    _, json, length, opaque in
    guard let json, let callbacks = ClientCallbacks.from(opaque) else { return 0 }
    let data = Data(bytes: json, count: length)
    KafkaStatistics.record(data, client: callbacks.clientKind)
    return 0  // librdkafka frees the JSON
}
