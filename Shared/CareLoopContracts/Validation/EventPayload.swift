/// The `data` of a CareLoop event published on an outbound topic: strictly decodable, encodable in the
/// canonical form, and able to check the rules its types cannot express.
package protocol EventPayload: Codable, Hashable, Sendable {
    /// The topic events carrying this payload are published on.
    static var topic: Topic { get }

    /// Every rule the payload breaks (empty when valid).
    func validate() -> [FieldError]
}

extension EventPayload {
    /// Decodes and validates a record value: a decoding failure is one field error (the first found),
    /// otherwise every rule the decoded value breaks.
    package static func parse(json: some Collection<UInt8>) -> Result<Self, ValidationErrors> {
        let value: Self
        do {
            value = try CareLoopJSON.decode(Self.self, from: json)
        } catch let error as DecodingError {
            return .failure(ValidationErrors([error.fieldError]))
        } catch {
            return .failure(ValidationErrors([FieldError(path: FieldPath.root, rule: .json, message: "\(error)")]))
        }
        let errors = value.validate()
        return errors.isEmpty ? .success(value) : .failure(ValidationErrors(errors))
    }

    /// The payload in the canonical JSON form (see ``CareLoopJSON``).
    package func encodedJSON() throws -> [UInt8] {
        try CareLoopJSON.encode(self)
    }
}
