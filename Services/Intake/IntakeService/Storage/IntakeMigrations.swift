import CareLoopStorage

/// Intake's own tables, forward-only.
enum IntakeMigrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "cases",
            sql: """
                CREATE TABLE cases (
                    case_id uuid PRIMARY KEY,
                    reference text NOT NULL UNIQUE,
                    source text NOT NULL,
                    external_id text NOT NULL,
                    kind text NOT NULL,
                    channel text NOT NULL,
                    city text NOT NULL,
                    project text NOT NULL,
                    building text,
                    unit text,
                    owner_id text NOT NULL,
                    title text,
                    description text NOT NULL,
                    category_hint text,
                    attachments jsonb NOT NULL DEFAULT '[]',
                    inspection_batch text,
                    submitted_at timestamptz NOT NULL,
                    registered_at timestamptz NOT NULL,
                    status text NOT NULL,
                    UNIQUE (source, external_id)
                );
                CREATE INDEX cases_city_project_registered ON cases (city, project, registered_at);
                CREATE TABLE reference_counters (
                    prefix text NOT NULL,
                    year int NOT NULL,
                    last_value bigint NOT NULL,
                    PRIMARY KEY (prefix, year)
                );
                """),
    ]
}
