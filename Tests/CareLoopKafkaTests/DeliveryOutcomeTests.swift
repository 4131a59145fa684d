import CRdKafka
import CareLoopKafka
import Testing

/// How a delivery report becomes the sender's result.
struct DeliveryOutcomeTests {
    @Test("an acknowledged record with an offset is delivered")
    func acknowledgedWithOffset() throws {
        let report = try deliveryOutcome(topic: "careloop.cases.v1", partition: 3, offset: 0, err: RD_KAFKA_RESP_ERR_NO_ERROR).get()
        #expect(report.topic == "careloop.cases.v1" && report.partition == 3 && report.offset == 0)
    }

    @Test("a report without an offset (-1001) is not counted as delivered, so the record is sent again")
    func missingOffsetIsAFailure() {
        let outcome = deliveryOutcome(topic: "careloop.cases.v1", partition: 0, offset: -1001, err: RD_KAFKA_RESP_ERR_NO_ERROR)
        guard case .failure(let error) = outcome else {
            Issue.record("a report without an offset counted as delivered")
            return
        }
        #expect(error.code == .produce)
        #expect(error.isRetriable)
        #expect(error.message.contains("-1001"))
    }

    @Test("a report with an error is a retriable failure naming the error")
    func errorIsAFailure() {
        let outcome = deliveryOutcome(topic: "careloop.cases.v1", partition: 1, offset: 42, err: RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        guard case .failure(let error) = outcome else {
            Issue.record("a failed delivery counted as delivered")
            return
        }
        #expect(error.rdKafkaCode == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue)
        #expect(error.message.contains("careloop.cases.v1"))
    }
}
