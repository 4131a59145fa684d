import CareLoopContracts

/// Which routed cases need repair work, so repair dispatch opens a work order (`requires_work_order`).
///
/// A case needs one when its kind is listed (default: repair), when it is a delivery or open-day inspection defect
/// (an inspection batch is present), or when it is a complaint whose category starts with a listed prefix
/// (default: `engineering.`, construction quality).
package struct WorkOrderRules: Hashable, Sendable {
    /// Kinds that always need repair work.
    package var kinds: Set<VoiceKind> = [.repair]
    /// Whether inspection defects (with an inspection batch) need repair work.
    package var inspectionDefects = true
    /// Category prefixes of complaints that need repair work.
    package var complaintCategoryPrefixes: [String] = ["engineering."]

    /// The defaults above.
    package init() {}

    /// Whether a case of `kind` in `category`, with or without an inspection batch, needs a work order.
    package func requiresWorkOrder(kind: VoiceKind, category: String, inspectionBatch: String?) -> Bool {
        if kinds.contains(kind) { return true }
        if inspectionDefects, let batch = inspectionBatch, !batch.isEmpty { return true }
        return kind == .complaint && complaintCategoryPrefixes.contains { category.hasPrefix($0) }
    }
}
