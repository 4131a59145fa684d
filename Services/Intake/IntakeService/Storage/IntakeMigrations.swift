import CareLoopStorage

/// Intake's own tables, forward-only.
///
/// Owners' names and phone numbers are stored only sealed (AES-GCM, `*_sealed` with the key id next to them) and as
/// a keyed hash for look-ups; case texts are stored with personal data redacted and sealed in their original form.
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
        Migration(
            version: 2, name: "property_registry",
            sql: """
                CREATE TABLE cities (
                    city text PRIMARY KEY,
                    name text NOT NULL,
                    reference_prefix text NOT NULL,
                    time_zone text NOT NULL,
                    language text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE TABLE projects (
                    city text NOT NULL REFERENCES cities (city),
                    project text NOT NULL,
                    name text NOT NULL,
                    active boolean NOT NULL DEFAULT true,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (city, project)
                );
                -- Seed files applied (by checksum): a seed is applied once, so a restart keeps admin changes.
                CREATE TABLE property_seeds (
                    checksum text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """),
        Migration(
            version: 3, name: "owners",
            sql: """
                CREATE TABLE owners (
                    owner_id text PRIMARY KEY,
                    name_sealed bytea,
                    name_key_id text,
                    phone_sealed bytea,
                    phone_key_id text,
                    -- HMAC-SHA256 of the normalized phone number under intake.piiLookupKey.
                    phone_lookup bytea,
                    -- Only a language the owner gave; the city's default applies otherwise.
                    language text,
                    move_in_date date,
                    -- As of updated_at; readers derive the stage of the day from move_in_date.
                    lifecycle_stage text,
                    first_seen_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL
                );
                CREATE INDEX owners_phone_lookup ON owners (phone_lookup) WHERE phone_lookup IS NOT NULL;
                """),
        Migration(
            version: 4, name: "submissions_and_case_details",
            sql: """
                -- One row per registered submission (a topic record or a POST): the idempotency record, the request's
                -- hash (a repeated Idempotency-Key with another body is a conflict) and the link of a batch's cases.
                CREATE TABLE submissions (
                    source text NOT NULL,
                    external_id text NOT NULL,
                    request_hash bytea NOT NULL,
                    items int NOT NULL,
                    batch boolean NOT NULL,
                    received_at timestamptz NOT NULL,
                    PRIMARY KEY (source, external_id)
                );
                ALTER TABLE cases
                    ADD COLUMN submission_item int NOT NULL DEFAULT 0,
                    ADD COLUMN taker text,
                    ADD COLUMN category text,
                    ADD COLUMN severity text,
                    ADD COLUMN department text,
                    ADD COLUMN acknowledge_by timestamptz,
                    ADD COLUMN respond_by timestamptz,
                    ADD COLUMN resolve_by timestamptz,
                    ADD COLUMN originals_sealed bytea,
                    ADD COLUMN originals_key_id text,
                    ADD COLUMN status_at timestamptz,
                    ADD COLUMN updated_at timestamptz;
                UPDATE cases SET status_at = registered_at, updated_at = registered_at;
                ALTER TABLE cases DROP CONSTRAINT cases_source_external_id_key;
                ALTER TABLE cases ADD CONSTRAINT cases_submission_item_key UNIQUE (source, external_id, submission_item);
                -- GET /v1/cases filters, each in case-id (time) order for cursor pages.
                -- Superseded by the indexes below (pages are in case-id order, which is registration order).
                DROP INDEX cases_city_project_registered;
                CREATE INDEX cases_city_case ON cases (city, case_id);
                CREATE INDEX cases_city_project_case ON cases (city, project, case_id);
                CREATE INDEX cases_owner_case ON cases (owner_id, case_id);
                CREATE INDEX cases_inspection_batch ON cases (inspection_batch, case_id) WHERE inspection_batch IS NOT NULL;
                """),
        Migration(
            version: 5, name: "case_timeline",
            sql: """
                CREATE TABLE case_timeline (
                    entry_id bigserial PRIMARY KEY,
                    case_id uuid NOT NULL REFERENCES cases (case_id),
                    -- registered, routed, escalated, sla_warning, sla_breached, assigned, resolved, closed, reopened, merged
                    entry text NOT NULL,
                    status text NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL DEFAULT now(),
                    actor text,
                    channel text,
                    reason text,
                    details jsonb NOT NULL DEFAULT '{}',
                    -- The case event an entry came from (none for the first entry, written at registration).
                    event_source text,
                    event_id text
                );
                CREATE INDEX case_timeline_case ON case_timeline (case_id, entry_id);
                CREATE UNIQUE INDEX case_timeline_event ON case_timeline (event_source, event_id) WHERE event_id IS NOT NULL;
                -- Append-only: entries are never changed or removed.
                CREATE FUNCTION case_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'case_timeline is append-only (% refused)', TG_OP;
                END
                $$;
                CREATE TRIGGER case_timeline_no_update BEFORE UPDATE OR DELETE ON case_timeline
                    FOR EACH ROW EXECUTE FUNCTION case_timeline_append_only();
                CREATE TRIGGER case_timeline_no_truncate BEFORE TRUNCATE ON case_timeline
                    FOR EACH STATEMENT EXECUTE FUNCTION case_timeline_append_only();
                """),
        Migration(
            version: 6, name: "reference_sequences",
            sql: """
                -- Case reference numbers come from one sequence per prefix and year. Each nextval hands a block of 100
                -- numbers to one intake process, which gives them out itself: unique, never blocking concurrent
                -- registrations, gaps where a process stops before using its block. Sequences are created outside
                -- registering transactions (so a rollback never undoes one), ahead of the year they serve.
                CREATE FUNCTION ensure_case_reference_sequence(reference_prefix text, reference_year int) RETURNS void
                LANGUAGE plpgsql AS $$
                DECLARE
                    sequence_name text := 'case_reference_' || lower(reference_prefix) || '_' || reference_year;
                BEGIN
                    IF to_regclass(quote_ident(sequence_name)) IS NULL THEN
                        -- Creators of the same sequence wait for each other; the second finds it.
                        PERFORM pg_advisory_xact_lock(hashtext('careloop.intake.' || current_schema() || '.' || sequence_name));
                        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I INCREMENT BY 100', sequence_name);
                    END IF;
                END
                $$;
                -- The first number of a new block (an error when the sequence does not exist yet).
                CREATE FUNCTION next_case_reference_block(reference_prefix text, reference_year int) RETURNS bigint
                LANGUAGE sql AS $$
                    SELECT nextval(quote_ident('case_reference_' || lower(reference_prefix) || '_' || reference_year)::regclass)
                $$;
                -- Numbers already given out by the counters of version 1 continue in the sequences.
                DO $$
                DECLARE
                    counter record;
                BEGIN
                    FOR counter IN SELECT prefix, year, last_value FROM reference_counters LOOP
                        EXECUTE format('CREATE SEQUENCE %I INCREMENT BY 100 START WITH %s',
                            'case_reference_' || lower(counter.prefix) || '_' || counter.year, counter.last_value + 1);
                    END LOOP;
                END
                $$;
                DROP TABLE reference_counters;
                """),
        Migration(
            version: 7, name: "case_write_cost",
            sql: """
                -- Case events move a case about four times after registration. Room left on each page keeps those
                -- updates heap-only (no new entries in the seven case indexes, the old versions pruned in place).
                -- Applies to pages written from now on; a VACUUM FULL (not run here) would repack older ones.
                ALTER TABLE cases SET (fillfactor = 70);
                -- Every writer of the timeline already checks its case (registration inserts case and first entry in
                -- one statement; case events are appended only for cases found), and cases are never deleted: the
                -- per-row foreign-key check cost a look-up and a row lock on the case for every entry.
                ALTER TABLE case_timeline DROP CONSTRAINT case_timeline_case_id_fkey;
                """),
    ]
}
