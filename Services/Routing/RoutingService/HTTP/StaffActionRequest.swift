import CareLoopContracts
import Foundation

/// The JSON body of a staff action (`POST /v1/routing/cases/{id}/{action}`); which members count depends on the
/// action. Unknown members are ignored; an empty body is an empty object.
struct StaffActionRequest: Decodable {
    var reason: String?
    var department: String?
    var assignee: String?
    var category: String?
    var severity: String?
    var valid: Bool?

    /// The action named by the path segment `name` with this body, or every field error at once.
    func action(named name: String) -> Result<StaffAction, ValidationErrors>? {
        var errors: [FieldError] = []
        func required(_ value: String?, _ field: String) -> String {
            guard let value, !value.allSatisfy(\.isWhitespace) else {
                errors.append(FieldError(path: field, rule: .required, message: "is required for \(name)"))
                return ""
            }
            if value.count > FieldLimits.reason {
                errors.append(FieldError(path: field, rule: .maxLength, message: "must be at most \(FieldLimits.reason) characters"))
            }
            return value
        }
        func optional(_ value: String?, _ field: String) -> String? {
            guard let value, !value.allSatisfy(\.isWhitespace) else { return nil }
            if value.count > FieldLimits.reason {
                errors.append(FieldError(path: field, rule: .maxLength, message: "must be at most \(FieldLimits.reason) characters"))
            }
            return value
        }
        let action: StaffAction
        switch name {
        case "acknowledge": action = .acknowledge
        case "start": action = .start
        case "reassign":
            let department = optional(department, "department").map(Department.init(rawValue:))
            let person = optional(assignee, "assignee")
            if department == nil && person == nil {
                errors.append(FieldError(path: "$", rule: .required, message: "give a department, an assignee or both"))
            }
            if let department, !department.isKnown {
                errors.append(FieldError(path: "department", rule: .enum, message: "must be one of \(Department.known.map(\.rawValue).joined(separator: ", "))"))
            }
            action = .reassign(department: department, assignee: person, reason: optional(reason, "reason"))
        case "change-category":
            action = .changeCategory(category: required(category, "category"), reason: required(reason, "reason"))
        case "change-severity":
            let severity = Severity(rawValue: required(severity, "severity"))
            if !severity.rawValue.isEmpty, severity != .ordinary, severity != .major {
                errors.append(FieldError(path: "severity", rule: .enum, message: "must be ordinary or major"))
            }
            action = .changeSeverity(severity: severity, reason: required(reason, "reason"))
        case "wait-on-owner": action = .waitOnOwner(reason: optional(reason, "reason"))
        case "resume": action = .resume
        case "resolve": action = .resolve(reason: optional(reason, "reason"))
        case "close": action = .close(reason: required(reason, "reason"))
        case "reopen": action = .reopen(reason: required(reason, "reason"))
        case "validity":
            if valid == nil { errors.append(FieldError(path: "valid", rule: .required, message: "is required (true or false)")) }
            action = .setValidity(isValid: valid ?? false, reason: required(reason, "reason"))
        default: return nil
        }
        return errors.isEmpty ? .success(action) : .failure(ValidationErrors(errors))
    }

    /// The action names of the path, for documentation and 404 messages.
    static let actionNames = [
        "acknowledge", "start", "reassign", "change-category", "change-severity", "wait-on-owner", "resume", "resolve", "close",
        "reopen", "validity",
    ]
}
