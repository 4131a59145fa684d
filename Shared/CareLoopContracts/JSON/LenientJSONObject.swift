/// Reads the members of one JSON object, turning missing required members and wrong JSON types into
/// ``FieldError``s instead of stopping at the first problem. `null` counts as absent.
struct LenientJSONObject {
    let members: [String: JSONValue]
    /// This object's path (`""` for the body).
    let path: String

    /// The path of one member.
    func path(of key: String) -> String {
        FieldPath.member(key, of: path)
    }

    /// The member, or `nil` when absent or `null`; reports `required` when absent and required.
    func value(_ key: String, required: Bool, errors: inout [FieldError]) -> JSONValue? {
        guard let value = members[key], value != .null else {
            if required {
                errors.append(FieldError(path: path(of: key), rule: .required, message: "is required"))
            }
            return nil
        }
        return value
    }

    /// A string member; reports `required` or `type`.
    func string(_ key: String, required: Bool = false, errors: inout [FieldError]) -> String? {
        guard let value = value(key, required: required, errors: &errors) else { return nil }
        guard case .string(let text) = value else {
            errors.append(Self.typeError(path(of: key), expected: "a string", found: value))
            return nil
        }
        return text
    }

    /// An RFC 3339 timestamp member; reports `required`, `type` or `rfc3339`.
    func timestamp(_ key: String, required: Bool = false, errors: inout [FieldError]) -> Timestamp? {
        guard let text = string(key, required: required, errors: &errors) else { return nil }
        do {
            return try Timestamp(rfc3339: text)
        } catch {
            errors.append(FieldError(path: path(of: key), rule: .rfc3339, message: error.description))
            return nil
        }
    }

    /// An object member; reports `required` or `type`.
    func object(_ key: String, required: Bool = false, errors: inout [FieldError]) -> LenientJSONObject? {
        guard let value = value(key, required: required, errors: &errors) else { return nil }
        return Self.object(value, at: path(of: key), errors: &errors)
    }

    /// An array member as `(path, element)` pairs; reports `required` or `type`.
    func array(_ key: String, required: Bool = false, errors: inout [FieldError]) -> [(path: String, value: JSONValue)]?
    {
        guard let value = value(key, required: required, errors: &errors) else { return nil }
        guard case .array(let elements) = value else {
            errors.append(Self.typeError(path(of: key), expected: "an array", found: value))
            return nil
        }
        return elements.enumerated().map { (FieldPath.element($0.offset, of: path(of: key)), $0.element) }
    }

    /// `value` as an object at `path`; reports `type` otherwise.
    static func object(_ value: JSONValue, at path: String, errors: inout [FieldError]) -> LenientJSONObject? {
        guard case .object(let members) = value else {
            errors.append(typeError(path, expected: "an object", found: value))
            return nil
        }
        return LenientJSONObject(members: members, path: path)
    }

    private static func typeError(_ path: String, expected: String, found: JSONValue) -> FieldError {
        FieldError(path: path, rule: .type, message: "must be \(expected), found \(found.typeName)")
    }
}
