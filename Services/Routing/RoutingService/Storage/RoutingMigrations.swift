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
        Migration(
            version: 3, name: "case_lifecycle",
            sql: """
                -- The case as its events show it (snapshot = data of the last event), who holds it, how far it has
                -- escalated, its group incident and validity.
                ALTER TABLE cases
                    ADD COLUMN snapshot jsonb,
                    ADD COLUMN escalation_level int NOT NULL DEFAULT 0,
                    ADD COLUMN group_incident_id text,
                    ADD COLUMN assignee text,
                    ADD COLUMN repair_lead text,
                    ADD COLUMN requires_work_order boolean,
                    ADD COLUMN is_valid boolean,
                    ADD COLUMN validity_decided_by text,
                    ADD COLUMN validity_reason text,
                    ADD COLUMN routed_by text,
                    ADD COLUMN updated_at timestamptz;
                -- Group-incident detection: recent reports of one project and category.
                CREATE INDEX cases_group_window ON cases (city, project, category, registered_at);

                -- Every open warning and deadline of a case is a row; fired rows stay (fired_at) as the record that
                -- they ran once. The timer worker claims due rows through the partial index, which holds unfired
                -- rows only, oldest first: `WHERE fired_at IS NULL AND due_at <= now() ORDER BY due_at LIMIT n
                -- FOR UPDATE SKIP LOCKED` reads just the rows it returns.
                CREATE TABLE sla_timers (
                    case_id uuid NOT NULL REFERENCES cases (case_id),
                    deadline text NOT NULL CHECK (deadline IN ('acknowledge', 'respond', 'resolve')),
                    kind text NOT NULL CHECK (kind IN ('warning', 'breach')),
                    due_at timestamptz NOT NULL,
                    fired_at timestamptz,
                    PRIMARY KEY (case_id, deadline, kind)
                );
                CREATE INDEX sla_timers_due ON sla_timers (due_at) WHERE fired_at IS NULL;

                -- Append-only: every action on a case with who and when, system events included.
                CREATE TABLE case_timeline (
                    id bigserial PRIMARY KEY,
                    case_id uuid NOT NULL REFERENCES cases (case_id),
                    at timestamptz NOT NULL,
                    actor text NOT NULL,
                    action text NOT NULL,
                    event_type text,
                    event_id text,
                    from_status text,
                    to_status text,
                    details jsonb NOT NULL DEFAULT '{}'
                );
                CREATE INDEX case_timeline_case ON case_timeline (case_id, id);

                -- Each escalation level a case reached: who was alerted, when, why and what triggered it.
                CREATE TABLE case_escalations (
                    case_id uuid NOT NULL REFERENCES cases (case_id),
                    level int NOT NULL CHECK (level BETWEEN 1 AND 10),
                    role text NOT NULL,
                    escalated_at timestamptz NOT NULL,
                    actor text NOT NULL,
                    reason text NOT NULL,
                    trigger text NOT NULL,
                    PRIMARY KEY (case_id, level)
                );

                -- Group incidents (群诉). At most one per city, project and category accepts new members at a time.
                CREATE TABLE group_incidents (
                    incident_id text PRIMARY KEY,
                    city text NOT NULL,
                    project text NOT NULL,
                    category text NOT NULL,
                    commander text NOT NULL,
                    opened_at timestamptz NOT NULL,
                    opened_by_case uuid NOT NULL,
                    distinct_owners int NOT NULL,
                    first_report_at timestamptz NOT NULL,
                    last_report_at timestamptz NOT NULL,
                    accepting_members boolean NOT NULL DEFAULT true
                );
                CREATE UNIQUE INDEX group_incidents_one_accepting ON group_incidents (city, project, category)
                    WHERE accepting_members;
                """),
        Migration(
            version: 4, name: "sla_timer_firings",
            sql: """
                -- Firing a timer no longer writes its row: a fired timer gets a row in `sla_timer_firings` instead, and
                -- the claim reads `sla_timers` through an index that covers it (an index-only scan, no heap page
                -- read while the table's pages are all-visible) and skips fired timers by probing the firings' key.
                -- Marking rows fired in place left a dead version on ~500 scattered heap pages per batch of 500,
                -- and the next claims paid for reading and pruning those pages. Fired rows of both tables are swept
                -- together later, in bulk, while the worker is idle.
                CREATE TABLE sla_timer_firings (
                    case_id uuid NOT NULL,
                    deadline text NOT NULL,
                    kind text NOT NULL,
                    fired_at timestamptz NOT NULL,
                    PRIMARY KEY (case_id, deadline, kind)
                );
                INSERT INTO sla_timer_firings (case_id, deadline, kind, fired_at)
                    SELECT case_id, deadline, kind, fired_at FROM sla_timers WHERE fired_at IS NOT NULL;
                DROP INDEX sla_timers_due;
                ALTER TABLE sla_timers DROP COLUMN fired_at;
                CREATE INDEX sla_timers_due ON sla_timers (due_at) INCLUDE (case_id, deadline, kind);
                -- A queue: vacuum it after 2 % of its rows are swept (default 20 %), so the claim index sheds the
                -- swept rows' entries and the pages stay all-visible for index-only scans.
                ALTER TABLE sla_timers SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);

                -- Every timer row with its firing, for operators and tests (`fired_at` null: not fired yet).
                CREATE VIEW sla_timer_states AS
                    SELECT t.case_id, t.deadline, t.kind, t.due_at, f.fired_at
                    FROM sla_timers AS t LEFT JOIN sla_timer_firings AS f USING (case_id, deadline, kind);
                """),
        Migration(
            version: 5, name: "cases_fillfactor",
            sql: """
                -- Every case row is rewritten several times after its insert (follow-ups, staff actions, timers),
                -- always with the same indexed columns. Room left on each page lets those updates stay on the page
                -- as heap-only tuples (HOT): no new entry in any of the table's four indexes. New pages only.
                ALTER TABLE cases SET (fillfactor = 70);
                """),
    ]
}
