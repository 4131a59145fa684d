/// Decides which rows of a published batch may be marked as sent.
///
/// A row is marked when its own publication succeeded and no earlier row with the same key failed in the
/// batch: a failed record keeps its same-key successors unsent, so they are published again after it and
/// consumers (deduplicating through the ``Inbox``) end up with the key's records in order. Rows without a key
/// have no order to keep and are judged on their own.
package struct OutboxDeliveryPlan: Sendable, Hashable {
    /// Rows to mark as sent, in id order.
    package var deliveredIDs: [Int64] = []
    /// Rows whose publication failed.
    package var failed = 0
    /// Rows published successfully but kept unsent behind a failed predecessor.
    package var heldBack = 0

    /// Judges `rows` (id and key, in id order) against `results` (one per row; missing ones count as failures).
    package init(rows: [(id: Int64, key: [UInt8]?)], results: [Result<Void, any Error>]) {
        var blockedKeys: Set<[UInt8]> = []
        for (index, row) in rows.enumerated() {
            let succeeded: Bool
            if index < results.count, case .success = results[index] {
                succeeded = true
            } else {
                succeeded = false
            }
            if let key = row.key, blockedKeys.contains(key) {
                if succeeded { heldBack += 1 } else { failed += 1 }
            } else if succeeded {
                deliveredIDs.append(row.id)
            } else {
                failed += 1
                if let key = row.key { blockedKeys.insert(key) }
            }
        }
    }
}
