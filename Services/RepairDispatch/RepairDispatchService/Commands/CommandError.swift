import CareLoopContracts

/// Why a technician's or staff member's request on a work order was refused; mapped to problem+json at the HTTP
/// edge (``IllegalTransition`` is thrown as is and becomes a 409 with the current state).
struct CommandError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let description: String
        /// No such work order (or not one the caller may see): 404.
        static let notFound = Code(description: "not_found")
        /// The order is not assigned or offered to this technician: 403.
        static let notYours = Code(description: "not_yours")
        /// The request conflicts with the order's state (beyond the state machine, e.g. no quote pending): 409.
        static let conflict = Code(description: "conflict")
        /// The chosen visit window is taken by another booking of the technician: 409.
        static let slotTaken = Code(description: "slot_taken")
        /// A field of the request is unusable (e.g. a window not in the technician's calendar): 400.
        static let invalid = Code(description: "invalid")
    }

    var code: Code
    var message: String
    /// The order's state, for 409s.
    var currentState: WorkOrderStatus?
    /// Field errors, for `invalid`.
    var fieldErrors: [FieldError] = []

    var description: String { message }

    static func notFound(_ id: String) -> CommandError {
        CommandError(code: .notFound, message: "no work order \(id)")
    }

    static func notYours(_ order: WorkOrder, _ technicianID: String) -> CommandError {
        CommandError(code: .notYours, message: "work order \(order.id) is not assigned or offered to \(technicianID)")
    }

    /// A technician's request on someone else's order (403), or staff's outside their cities (404, as if absent).
    static func refused(_ order: WorkOrder, _ caller: WorkOrderCommands.Caller) -> CommandError {
        switch caller {
        case .technician(let id): notYours(order, id)
        case .staff: notFound(order.id)
        }
    }

    static func invalid(_ path: String, _ rule: FieldError.Rule, _ message: String) -> CommandError {
        CommandError(code: .invalid, message: "\(path): \(message)", fieldErrors: [FieldError(path: path, rule: rule, message: message)])
    }
}
