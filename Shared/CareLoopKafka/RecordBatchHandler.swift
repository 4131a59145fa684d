/// Handles the records of one poll as a batch, inside the caller's database transaction.
///
/// Return normally only after the transaction committed: the consumer then stores and commits the
/// offsets. Return a rejection for each record that can never be processed (it goes to `<topic>.dlt`);
/// throw for failures of the whole batch (database down), which the consumer retries.
package protocol RecordBatchHandler: Sendable {
    /// Processes `records` (in offset order per partition) and returns the ones it rejects.
    func handle(_ records: [ConsumedRecord]) async throws -> [RecordRejection]
}

/// A record the handler will never accept, with the reason that travels to the dead-letter topic.
package struct RecordRejection: Sendable, Hashable {
    package var record: ConsumedRecord
    /// A short machine word: `validation`, `malformed_json`, `invalid_cloudevent`, `unknown_type`, …
    package var errorClass: String
    /// What was wrong, for the people reading the dead-letter topic (no personal data).
    package var message: String

    package init(record: ConsumedRecord, errorClass: String, message: String) {
        self.record = record
        self.errorClass = errorClass
        self.message = message
    }
}
