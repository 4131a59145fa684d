import CareLoopHTTP
import Hummingbird

/// Repair dispatch's public HTTP API (documented in `docs/repair-dispatch-api.md`) on a router that already
/// authenticates API keys and limits rate and body size.
struct RepairDispatchAPI: Sendable {
    let technician: TechnicianRoutes
    let staff: StaffRoutes
    let admin: AdminRoutes

    init(parts: RepairDispatchParts) {
        let commands = WorkOrderCommands(parts: parts)
        technician = TechnicianRoutes(commands: commands)
        staff = StaffRoutes(commands: commands)
        admin = AdminRoutes(parts: parts, rosterSync: parts.rosterSync)
    }

    /// Adds every route to `router` and returns it.
    @discardableResult
    func add(to router: Router<APIRequestContext>) -> Router<APIRequestContext> {
        technician.add(to: router)
        staff.add(to: router)
        admin.add(to: router)
        return router
    }
}
