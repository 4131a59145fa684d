import CareLoopStorage

/// Repair dispatch's own tables, forward-only.
enum RepairDispatchMigrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "registry_and_roster",
            sql: """
                CREATE TABLE projects (
                    project text PRIMARY KEY,
                    city text,
                    delivered_on date,
                    buildings jsonb NOT NULL DEFAULT '{}',
                    warranty_promises jsonb NOT NULL DEFAULT '{}',
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE TABLE technicians (
                    technician_id text PRIMARY KEY,
                    profile jsonb NOT NULL,
                    active boolean NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                """),
        Migration(
            version: 2, name: "work_orders",
            sql: """
                CREATE TABLE work_orders (
                    work_order_id uuid PRIMARY KEY,
                    case_id text NOT NULL UNIQUE,
                    case_reference text NOT NULL,
                    status text NOT NULL,
                    version int NOT NULL,
                    category text NOT NULL,
                    skill text NOT NULL,
                    component text NOT NULL,
                    city text NOT NULL,
                    project text NOT NULL,
                    building text,
                    unit text,
                    owner_id text,
                    inspection_batch text,
                    title text,
                    description text,
                    requested_at timestamptz NOT NULL,
                    contact_by timestamptz NOT NULL,
                    in_warranty boolean NOT NULL,
                    warranty_expires_on date,
                    warranty_basis text NOT NULL,
                    delivered_on date,
                    quote_state text NOT NULL,
                    quote_amount text,
                    technician_id text,
                    vendor_id text,
                    offered_to text,
                    accepted_at timestamptz,
                    planned_day date,
                    dispatch_group text,
                    appointment_start timestamptz,
                    appointment_end timestamptz,
                    contacted_at timestamptz,
                    started_at timestamptz,
                    completed_at timestamptz,
                    work_done text,
                    cause text,
                    escalation text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                -- A technician's open orders ("my orders today") and the board's load.
                CREATE INDEX work_orders_technician_open ON work_orders (technician_id, planned_day)
                    WHERE status NOT IN ('completed', 'verified', 'cancelled');
                CREATE INDEX work_orders_offered_open ON work_orders (offered_to)
                    WHERE offered_to IS NOT NULL;
                -- The backlog report per project.
                CREATE INDEX work_orders_project_status ON work_orders (project, status);

                -- Every lifecycle event, in order: the audit trail behind careloop.workorders.v1.
                CREATE TABLE work_order_history (
                    work_order_id uuid NOT NULL REFERENCES work_orders,
                    version int NOT NULL,
                    status text NOT NULL,
                    action text NOT NULL,
                    actor text NOT NULL,
                    technician_id text,
                    reason text,
                    occurred_at timestamptz NOT NULL,
                    PRIMARY KEY (work_order_id, version)
                );

                -- Who was sent, from when to when, and why it ended (reassignment keeps history).
                CREATE TABLE assignments (
                    assignment_id bigserial PRIMARY KEY,
                    work_order_id uuid NOT NULL REFERENCES work_orders,
                    technician_id text NOT NULL,
                    planned_day date,
                    offered boolean NOT NULL,
                    started_at timestamptz NOT NULL,
                    accepted_at timestamptz,
                    ended_at timestamptz,
                    end_reason text,
                    actor text NOT NULL
                );
                CREATE INDEX assignments_order ON assignments (work_order_id, assignment_id);

                -- Notes, photo URLs, parts used and parts awaited, as the technician logs them.
                CREATE TABLE work_order_entries (
                    entry_id bigserial PRIMARY KEY,
                    work_order_id uuid NOT NULL REFERENCES work_orders,
                    kind text NOT NULL,
                    body jsonb NOT NULL,
                    actor text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX work_order_entries_order ON work_order_entries (work_order_id, entry_id);
                """),
        Migration(
            version: 3, name: "timers_and_escalations",
            sql: """
                -- Durable timers (24-hour contact warnings and breaches, assignment retries, crew acceptance).
                -- Workers claim due rows with FOR UPDATE SKIP LOCKED and fire each exactly once, in the
                -- transaction that applies its effect.
                CREATE TABLE timers (
                    timer_id bigserial PRIMARY KEY,
                    work_order_id uuid NOT NULL REFERENCES work_orders,
                    kind text NOT NULL,
                    due_at timestamptz NOT NULL,
                    level int NOT NULL DEFAULT 0,
                    technician_id text,
                    fired_at timestamptz,
                    cancelled_at timestamptz
                );
                CREATE INDEX timers_due ON timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;
                CREATE INDEX timers_order ON timers (work_order_id) WHERE fired_at IS NULL AND cancelled_at IS NULL;

                CREATE TABLE escalations (
                    escalation_id bigserial PRIMARY KEY,
                    work_order_id uuid NOT NULL REFERENCES work_orders,
                    kind text NOT NULL,
                    detail text NOT NULL,
                    opened_at timestamptz NOT NULL DEFAULT now(),
                    resolved_at timestamptz
                );
                CREATE INDEX escalations_open ON escalations (opened_at) WHERE resolved_at IS NULL;
                CREATE INDEX escalations_order ON escalations (work_order_id);
                """),
        Migration(
            version: 4, name: "appointments",
            sql: """
                CREATE TABLE appointments (
                    appointment_id bigserial PRIMARY KEY,
                    work_order_id uuid NOT NULL REFERENCES work_orders,
                    technician_id text NOT NULL,
                    starts_at timestamptz NOT NULL,
                    ends_at timestamptz NOT NULL,
                    state text NOT NULL,
                    booked_at timestamptz NOT NULL DEFAULT now(),
                    CHECK (starts_at < ends_at)
                );
                -- One active booking per order, and never two active bookings of one technician starting
                -- together. Overlaps with other starts are refused under the technician's row lock by the
                -- AppointmentBook check before the insert.
                CREATE UNIQUE INDEX appointments_active_order ON appointments (work_order_id) WHERE state = 'booked';
                CREATE UNIQUE INDEX appointments_active_slot ON appointments (technician_id, starts_at) WHERE state = 'booked';
                CREATE INDEX appointments_technician_day ON appointments (technician_id, starts_at, ends_at) WHERE state = 'booked';
                """),
        Migration(
            version: 5, name: "defect_register",
            sql: """
                CREATE TABLE defect_occurrences (
                    work_order_id uuid PRIMARY KEY REFERENCES work_orders,
                    component text NOT NULL,
                    cause_key text NOT NULL,
                    cause text NOT NULL,
                    project text NOT NULL,
                    household text NOT NULL,
                    found_on date NOT NULL,
                    title text
                );
                CREATE INDEX defect_occurrences_key ON defect_occurrences (component, cause_key);
                CREATE TABLE defect_register (
                    code text PRIMARY KEY,
                    component text NOT NULL,
                    cause_key text NOT NULL,
                    cause text NOT NULL,
                    description text NOT NULL,
                    risk_and_loss text,
                    decision text,
                    preventive_measure text,
                    responsible_department text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (component, cause_key)
                );
                CREATE TABLE defect_register_counter (
                    prefix text PRIMARY KEY,
                    last_value int NOT NULL
                );
                """),
        Migration(
            version: 6, name: "orders_follow_case_lifecycle",
            sql: """
                -- A case has at most one live work order; a cancelled one (e.g. the case was closed by staff) stays
                -- for the record, and reopening the case opens a new order.
                ALTER TABLE work_orders DROP CONSTRAINT work_orders_case_id_key;
                CREATE UNIQUE INDEX work_orders_case_live ON work_orders (case_id) WHERE status <> 'cancelled';
                CREATE INDEX work_orders_case ON work_orders (case_id);
                """),
    ]
}
