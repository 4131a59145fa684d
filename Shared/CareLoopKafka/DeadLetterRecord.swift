import CareLoopContracts

/// Builds the `<topic>.dlt` record for a rejected record: original key, value and headers plus the
/// contract's `careloop_error_*` and `careloop_original_*` headers.
enum DeadLetterRecord {
    static func make(_ rejection: RecordRejection) -> ProducerRecord {
        let record = rejection.record
        return ProducerRecord(
            topic: Topic(rawValue: record.topic).deadLetter.rawValue,
            key: record.key,
            value: record.value ?? [],
            headers: DeadLetterHeaders.build(
                original: record.headers, errorClass: DeadLetterErrorClass(rawValue: rejection.errorClass),
                message: rejection.message, topic: Topic(rawValue: record.topic), partition: record.partition,
                offset: record.offset)
        )
    }
}
