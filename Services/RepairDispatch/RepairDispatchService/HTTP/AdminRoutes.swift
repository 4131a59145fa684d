import CareLoopContracts
import CareLoopHTTP
import CareLoopStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Administration (`admin` scope): the roster of technicians and vendor crews, the project registry (delivery
/// dates and warranty promises), a project's backlog, escalations and the defect register (JSON and CSV).
struct AdminRoutes: Sendable {
    let parts: RepairDispatchParts
    let rosterSync: RosterSync

    func add(to router: Router<APIRequestContext>) {
        let admin = router.group("/v1/admin")
        admin.get("technicians", use: technicians)
        admin.get("technicians/:id", use: technician)
        admin.put("technicians/:id", use: putTechnician)
        admin.delete("technicians/:id", use: deactivateTechnician)
        admin.get("projects", use: projects)
        admin.put("projects/:project", use: putProject)
        admin.get("projects/:project/backlog", use: backlog)
        admin.get("escalations", use: escalations)
        admin.get("defect-register", use: register)
        admin.get("defect-register.csv", use: registerCSV)
        admin.patch("defect-register/:code", use: editRegister)
    }

    /// Every technician and crew, inactive ones too.
    @Sendable func technicians(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.admin)
        let profiles = try await parts.database.withConnection { connection in
            try await RosterRepository(connection: connection, logger: context.logger).profiles()
        }
        return try JSONResponse.make(["technicians": profiles])
    }

    @Sendable func technician(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.admin)
        let id = try context.parameters.require("id")
        guard let profile = try await parts.database.withConnection({ connection in
            try await RosterRepository(connection: connection, logger: context.logger).profile(id)
        }) else { throw ProblemError.notFound("no technician \(id)") }
        return try JSONResponse.make(profile)
    }

    /// Creates or replaces a technician or crew (`201` when new); the board picks it up at once.
    @Sendable func putTechnician(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.admin)
        let id = try context.parameters.require("id")
        var request = request
        let profile = try await request.decodeBody(TechnicianProfile.self, context: context) { profile in
            profile.validate() + (profile.id == id ? [] : [FieldError(path: "id", rule: .enum, message: "must equal the id in the path")])
        }
        let created = try await parts.database.withTransaction { connection in
            try await RosterRepository(connection: connection, logger: context.logger).upsert(profile)
        }
        try await rosterSync.refresh()
        context.logger.notice("Technician saved", metadata: ["technician_id": "\(id)", "actor": "\(client.actor)"])
        return try JSONResponse.make(profile, status: created ? .created : .ok)
    }

    /// Deactivates a technician or crew (kept for history, never chosen again); their open orders stay until
    /// staff reassign them.
    @Sendable func deactivateTechnician(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.admin)
        let id = try context.parameters.require("id")
        let profile = try await parts.database.withTransaction { connection -> TechnicianProfile? in
            let repository = RosterRepository(connection: connection, logger: context.logger)
            guard var profile = try await repository.profile(id) else { return nil }
            profile.active = false
            try await repository.upsert(profile)
            return profile
        }
        guard let profile else { throw ProblemError.notFound("no technician \(id)") }
        try await rosterSync.refresh()
        context.logger.notice("Technician deactivated", metadata: ["technician_id": "\(id)", "actor": "\(client.actor)"])
        return try JSONResponse.make(profile)
    }

    /// Every registered project.
    @Sendable func projects(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.admin)
        let entries = try await parts.database.withConnection { connection in
            try await ProjectRepository(connection: connection, logger: context.logger).all()
        }
        return try JSONResponse.make(["projects": entries])
    }

    /// Creates or replaces a project's delivery dates and warranty promises (`201` when new); applies to work
    /// orders opened from now on.
    @Sendable func putProject(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.admin)
        let project = try context.parameters.require("project")
        var request = request
        let entry = try await request.decodeBody(ProjectDelivery.self, context: context) { entry in
            entry.validate()
                + (entry.project == project ? [] : [FieldError(path: "project", rule: .enum, message: "must equal the project in the path")])
        }
        if let city = entry.city, !client.covers(city: city) {
            throw ProblemError.forbidden("the API key '\(client.name)' does not cover city '\(city)'")
        }
        let created = try await parts.database.withTransaction { connection in
            try await ProjectRepository(connection: connection, logger: context.logger).upsert(entry)
        }
        context.logger.notice("Project registry entry saved", metadata: ["project": "\(project)", "actor": "\(client.actor)"])
        return try JSONResponse.make(entry, status: created ? .created : .ok)
    }

    /// The project's backlog: open orders by status, day, building and trade, inspection batch; unassigned,
    /// awaiting acceptance, contact overdue, open escalations.
    @Sendable func backlog(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.admin)
        let project = try context.parameters.require("project")
        let now = parts.clock.now()
        let report = try await parts.database.withConnection { connection in
            try await BacklogRepository(connection: connection, logger: context.logger).backlog(of: project, now: now)
        }
        return try JSONResponse.make(report)
    }

    /// Escalations, newest first: open ones (`?all=true` for resolved ones too), optionally `?project=`.
    @Sendable func escalations(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.admin)
        let project = request.uri.queryParameters.get("project")
        let includeResolved = request.uri.queryParameters.get("all") == "true"
        let listed = try await parts.database.withConnection { connection in
            try await EscalationRepository(connection: connection, logger: context.logger)
                .list(project: project, includeResolved: includeResolved, limit: 1_000)
        }
        return try JSONResponse.make(["escalations": listed])
    }

    /// The defect register as JSON.
    @Sendable func register(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.admin)
        return try JSONResponse.make(["entries": try await DefectRegisterService(parts: parts).entries()])
    }

    /// The defect register as CSV (`text/csv; charset=utf-8`, with a BOM for spreadsheet programs).
    @Sendable func registerCSV(_ request: Request, context: APIRequestContext) async throws -> Response {
        try context.authorize(.admin)
        let csv = try await DefectRegisterService(parts: parts).csv()
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"defect-register.csv\""],
            body: ResponseBody(byteBuffer: ByteBuffer(string: csv)))
    }

    /// Staff's edit of one entry (description, cause wording, risk and loss, decision, measure, department).
    @Sendable func editRegister(_ request: Request, context: APIRequestContext) async throws -> Response {
        let client = try context.authorize(.admin)
        let code = try context.parameters.require("code")
        var request = request
        let edit = try await request.decodeBody(DefectRegisterEdit.self, context: context) { $0.validate() }
        guard let entry = try await DefectRegisterService(parts: parts).update(code: code, edit) else {
            throw ProblemError.notFound("no defect register entry \(code)")
        }
        context.logger.notice("Defect register entry edited", metadata: ["code": "\(code)", "actor": "\(client.actor)"])
        return try JSONResponse.make(entry)
    }
}
