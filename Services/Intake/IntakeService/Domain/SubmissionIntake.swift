import CareLoopContracts
import Foundation

/// The checks every submission passes before it is registered, on the topic and over HTTP alike.
enum SubmissionIntake {
    /// Parses and validates `json` (either form) and checks its property against `registry`: every failing field at
    /// once, with `unknown` at `property.city` or `property.project` for a property the registry does not know.
    static func check(
        _ json: some Collection<UInt8>, registry: PropertyRegistry, now: Date, maxFutureSkew: Duration
    ) -> Result<IntakeSubmission, ValidationErrors> {
        switch IntakeSubmission.parse(json: json, now: now, maxFutureSkew: maxFutureSkew) {
        case .failure(let errors):
            // A property with no field errors of its own is also checked against the registry.
            guard !errors.errors.contains(where: { $0.rule == .json || $0.path == FieldPath.root }),
                let property = propertyOnly(json, errors: errors)
            else { return .failure(errors) }
            return .failure(ValidationErrors(errors.errors + registry.validate(property)))
        case .success(let submission):
            let unknown = registry.validate(submission.voices[0].property)
            return unknown.isEmpty ? .success(submission) : .failure(ValidationErrors(unknown))
        }
    }

    /// The body's `property` when neither it nor its city and project have errors.
    private static func propertyOnly(_ json: some Collection<UInt8>, errors: ValidationErrors) -> PropertyAddress? {
        guard !errors.errors.contains(where: { FieldPath.path($0.path, isWithin: "property") }),
            let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let property = object["property"] as? [String: Any],
            let city = property["city"] as? String, let project = property["project"] as? String
        else { return nil }
        return PropertyAddress(city: city, project: project)
    }
}
