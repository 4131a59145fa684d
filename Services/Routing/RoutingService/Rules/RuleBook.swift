/// The routing rules in force. Handlers read them once per batch; the rule-file watcher replaces the classifier
/// when the file changes, so cases routed afterwards record the new rule-set version.
package actor RuleBook {
    /// The current rules.
    package private(set) var rules: RoutingRules

    /// A rule book starting with `rules`.
    package init(_ rules: RoutingRules) {
        self.rules = rules
    }

    /// Puts `classifier` in force for every case routed from now on.
    package func replaceClassifier(_ classifier: Classifier) {
        rules.classifier = classifier
    }
}
