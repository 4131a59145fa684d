import PostgresNIO

/// A prepared statement made from one `PostgresQuery`: its text is the query's (the same for any values, which are
/// bound, never spliced in) and its bindings are the query's.
protocol QueryStatement: PostgresPreparedStatement {
    /// The statement with this run's values bound.
    var query: PostgresQuery { get }
}

extension QueryStatement {
    func makeBindings() -> PostgresBindings {
        query.binds
    }
}
