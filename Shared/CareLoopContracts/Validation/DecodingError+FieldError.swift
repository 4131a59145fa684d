/// Turns a strict `Decodable` failure into the ``FieldError`` a client or dead-letter record should see.
extension DecodingError {
    /// The failing field and rule: `required` for a missing key or null, `type` for a wrong JSON type,
    /// `rfc3339` for a bad timestamp, `json` at `$` for malformed JSON.
    package var fieldError: FieldError {
        switch self {
        case .keyNotFound(let key, let context):
            return FieldError(path: Self.path(context.codingPath + [key]), rule: .required, message: "is required")
        case .valueNotFound(_, let context):
            return FieldError(path: Self.path(context.codingPath), rule: .required, message: "must not be null")
        case .typeMismatch(let type, let context):
            return FieldError(path: Self.path(context.codingPath), rule: .type, message: "must be \(type)")
        case .dataCorrupted(let context):
            if let timestampError = context.underlyingError as? TimestampFormatError {
                return FieldError(
                    path: Self.path(context.codingPath),
                    rule: .rfc3339,
                    message: timestampError.description
                )
            }
            return FieldError(path: Self.path(context.codingPath), rule: .json, message: "is not valid JSON")
        @unknown default:
            return FieldError(path: FieldPath.root, rule: .json, message: "could not be decoded")
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce(FieldPath.root) { parent, key in
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                return FieldPath.element(index, of: parent)
            }
            return FieldPath.member(key.stringValue, of: parent)
        }
    }
}
