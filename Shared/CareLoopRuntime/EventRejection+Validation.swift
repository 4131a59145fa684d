import CareLoopContracts

extension EventRejection {
    /// A rejection for data that failed parsing or validation: `malformed_json` when the body is not
    /// JSON at all, `validation` otherwise, with every field error in the message.
    package init(index: Int, validationErrors: ValidationErrors) {
        let malformed = validationErrors.errors.contains { $0.rule == .json && $0.path == FieldPath.root }
        self.init(
            index: index,
            errorClass: (malformed ? DeadLetterErrorClass.malformedJSON : .validation).rawValue,
            message: validationErrors.description)
    }
}
