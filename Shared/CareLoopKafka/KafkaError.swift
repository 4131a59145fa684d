import CRdKafka

/// An error from the Kafka layer: what failed, the librdkafka code where there is one, and whether
/// trying again later can succeed.
package struct KafkaError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The broad kind of failure; new codes may be added.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        /// A configuration property was rejected by librdkafka.
        package static let configuration = Code("configuration")
        /// The client handle could not be created.
        package static let clientCreation = Code("client_creation")
        /// Producing a record failed (enqueue or delivery).
        package static let produce = Code("produce")
        /// A consumer call (subscribe, commit, poll) failed.
        package static let consumer = Code("consumer")
        /// The dev broker's mock cluster failed.
        package static let mockCluster = Code("mock_cluster")
        /// The client was already shut down.
        package static let shutDown = Code("shut_down")
        package var description: String { raw }
    }

    package var code: Code
    package var message: String
    /// The librdkafka error code, when the failure came from librdkafka.
    package var rdKafkaCode: Int32?
    /// Whether a retry can succeed (librdkafka marks transient errors retriable).
    package var isRetriable: Bool

    package init(_ code: Code, _ message: String, rdKafkaCode: Int32? = nil, isRetriable: Bool = false) {
        self.code = code
        self.message = message
        self.rdKafkaCode = rdKafkaCode
        self.isRetriable = isRetriable
    }

    /// Builds an error from a librdkafka response code.
    static func rdKafka(_ code: Code, _ err: rd_kafka_resp_err_t, context: String) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(err))
        let name = String(cString: rd_kafka_err2name(err))
        return KafkaError(code, "\(context): \(name) (\(text))", rdKafkaCode: err.rawValue, isRetriable: true)
    }

    package var description: String { "Kafka \(code) error: \(message)" }
}
