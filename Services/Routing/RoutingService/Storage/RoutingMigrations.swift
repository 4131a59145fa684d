import CareLoopStorage

/// Routing's own tables, forward-only.
enum RoutingMigrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "cases",
            sql: """
                CREATE TABLE cases (
                    case_id uuid PRIMARY KEY,
                    reference text NOT NULL,
                    kind text NOT NULL,
                    city text NOT NULL,
                    project text NOT NULL,
                    owner_id text,
                    category_hint text,
                    status text NOT NULL,
                    registered_at timestamptz NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX cases_project_received ON cases (city, project, received_at);
                """),
    ]
}
