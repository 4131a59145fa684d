/// Everything wrong with a body or payload at once, so a client can fix all fields in one go.
package struct ValidationErrors: Error, Hashable, Sendable, CustomStringConvertible {
    /// The failing fields, in the order they were found.
    package var errors: [FieldError]

    /// Wraps a list of field errors.
    package init(_ errors: [FieldError]) {
        self.errors = errors
    }

    /// The `(path, rule)` pairs, for quick comparisons and metrics labels.
    package var pathsAndRules: Set<PathAndRule> {
        Set(errors.map { PathAndRule(path: $0.path, rule: $0.rule) })
    }

    /// One line listing every error; suitable for logs and `careloop_error_message`.
    package var description: String {
        errors.map(\.description).joined(separator: "; ")
    }

    /// A field error without its message: the part of it that is a stable promise.
    package struct PathAndRule: Hashable, Sendable, CustomStringConvertible {
        /// The field path.
        package var path: String
        /// The failed rule.
        package var rule: FieldError.Rule

        /// Makes a pair.
        package init(path: String, rule: FieldError.Rule) {
            self.path = path
            self.rule = rule
        }

        /// `path/rule`.
        package var description: String {
            "\(path)/\(rule.rawValue)"
        }
    }
}
