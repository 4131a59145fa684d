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
        Migration(
            version: 2, name: "routing_decision",
            sql: """
                ALTER TABLE cases
                    ADD COLUMN category text,
                    ADD COLUMN department text,
                    ADD COLUMN severity text,
                    ADD COLUMN severity_reasons jsonb,
                    ADD COLUMN time_rule text,
                    ADD COLUMN matched_rule text,
                    ADD COLUMN classification_source text,
                    ADD COLUMN rules_version text,
                    ADD COLUMN sla_clock jsonb,
                    ADD COLUMN routed_at timestamptz;
                CREATE INDEX cases_owner_registered ON cases (owner_id, registered_at);
                """),
    ]
}
