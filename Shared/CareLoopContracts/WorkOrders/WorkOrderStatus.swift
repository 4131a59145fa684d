/// Where a repair work order stands; each status has a `careloop.workorder.<status>` event.
package struct WorkOrderStatus: OpenStringEnum {
    /// The wire value.
    package let rawValue: String

    /// Wraps a wire value, known or not.
    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Opened for a case.
    package static let opened: WorkOrderStatus = "opened"
    /// A technician or vendor is assigned.
    package static let assigned: WorkOrderStatus = "assigned"
    /// The owner was contacted.
    package static let contacted: WorkOrderStatus = "contacted"
    /// A visit is booked (an appointment is set).
    package static let scheduled: WorkOrderStatus = "scheduled"
    /// Work started on site.
    package static let started: WorkOrderStatus = "started"
    /// Waiting for parts.
    package static let partsWaiting: WorkOrderStatus = "parts_waiting"
    /// The technician finished.
    package static let completed: WorkOrderStatus = "completed"
    /// The result was verified.
    package static let verified: WorkOrderStatus = "verified"
    /// Opened again after completion.
    package static let reopened: WorkOrderStatus = "reopened"
    /// Cancelled.
    package static let cancelled: WorkOrderStatus = "cancelled"

    /// Every value of contract v1, in contract order.
    package static let known: [WorkOrderStatus] = [
        .opened, .assigned, .contacted, .scheduled, .started, .partsWaiting, .completed, .verified, .reopened,
        .cancelled,
    ]
}
