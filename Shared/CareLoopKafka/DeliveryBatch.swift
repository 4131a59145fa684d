import CRdKafka
import Synchronization

/// Collects the delivery reports of one `send` call and resumes the sender when the last one arrives.
final class DeliveryBatch: Sendable {
    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var remaining: Int
        var continuation: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
    }

    /// Records the outcome of record `index`; resumes the waiter after the last one.
    func complete(_ index: Int, _ result: Result<DeliveryReport, KafkaError>) {
        let finished = state.withLock { state -> (CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>, [Result<DeliveryReport, KafkaError>])? in
            guard state.results[index] == nil else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, state.results.map { $0! })
        }
        if let (continuation, results) = finished { continuation.resume(returning: results) }
    }

    /// Waits until every record has a delivery outcome.
    func wait() async -> [Result<DeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Result<DeliveryReport, KafkaError>]? in
                if state.remaining == 0 { return state.results.map { $0! } }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// The per-record opaque pointer handed to librdkafka: which batch and which slot.
final class DeliveryToken: Sendable {
    let batch: DeliveryBatch
    let index: Int
    init(batch: DeliveryBatch, index: Int) {
        self.batch = batch
        self.index = index
    }
}

/// librdkafka's delivery-report callback: runs on the producer's poll thread.
let rdKafkaDeliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, _ in
    guard let message, let opaque = careloop_message_opaque(message) else { return }
    let token = Unmanaged<DeliveryToken>.fromOpaque(opaque).takeRetainedValue()
    let record = message.pointee
    let topic = record.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    token.batch.complete(token.index, deliveryOutcome(topic: topic, partition: record.partition, offset: record.offset, err: record.err))
}

/// What a delivery report means for the sender: delivered only when the broker acknowledged the record without an
/// error and gave it an offset. A report without an offset (`RD_KAFKA_OFFSET_INVALID`, -1001) proves nothing about
/// the record being on the topic, so it counts as a failure and the record is sent again (a possible duplicate is
/// what consumers' inboxes absorb; a loss could not be undone).
package func deliveryOutcome(topic: String, partition: Int32, offset: Int64, err: rd_kafka_resp_err_t) -> Result<DeliveryReport, KafkaError> {
    guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
        return .failure(.rdKafka(.produce, err, context: "delivery to \(topic) failed"))
    }
    guard offset >= 0 else {
        return .failure(
            KafkaError(
                .produce, "delivery to \(topic)[\(partition)] reported without an offset (\(offset)); not counted as delivered",
                isRetriable: true))
    }
    return .success(DeliveryReport(topic: topic, partition: partition, offset: offset))
}
