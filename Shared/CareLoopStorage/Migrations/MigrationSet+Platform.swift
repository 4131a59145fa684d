extension MigrationSet {
    /// The platform's built-in tables: the transactional outbox and the inbox (component `careloop`).
    ///
    /// Every service applies them before its own migrations.
    package static let platform = MigrationSet(
        component: "careloop",
        migrations: [
            Migration(
                version: 1,
                name: "create_outbox",
                sql: """
                    CREATE TABLE outbox (
                        id bigserial PRIMARY KEY,
                        topic text NOT NULL,
                        key bytea,
                        value bytea NOT NULL,
                        headers jsonb NOT NULL DEFAULT '[]',
                        created_at timestamptz NOT NULL DEFAULT now(),
                        sent_at timestamptz
                    );
                    -- The relay reads unsent rows in id order; sent rows drop out of this index.
                    CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;
                    -- Wakes the relay (LISTEN careloop_outbox_<schema>) when the inserting transaction commits.
                    CREATE FUNCTION careloop_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        PERFORM pg_notify(left('careloop_outbox_' || TG_TABLE_SCHEMA, 63), '');
                        RETURN NULL;
                    END
                    $$;
                    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
                        FOR EACH STATEMENT EXECUTE FUNCTION careloop_outbox_notify();
                    """
            ),
            Migration(
                version: 2,
                name: "create_inbox",
                sql: """
                    CREATE TABLE inbox (
                        source text NOT NULL,
                        event_id text NOT NULL,
                        topic text NOT NULL,
                        partition int NOT NULL,
                        "offset" bigint NOT NULL,
                        processed_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (source, event_id)
                    );
                    -- Retention cleanup deletes by age.
                    CREATE INDEX inbox_processed_at_idx ON inbox (processed_at);
                    """
            ),
            Migration(
                version: 3,
                name: "outbox_ids_after_transaction_ids",
                sql: """
                    -- A row's transaction id is assigned before its row id, so a transaction that can still commit
                    -- rows below an id the relay has seen was already running when the relay looked (see
                    -- OutboxScanFloor).
                    CREATE FUNCTION careloop_outbox_id(sequence regclass) RETURNS bigint LANGUAGE sql VOLATILE
                        AS $$ SELECT CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval(sequence) END $$;
                    ALTER TABLE outbox ALTER COLUMN id SET DEFAULT careloop_outbox_id('outbox_id_seq'::regclass);
                    """
            ),
            Migration(
                version: 4,
                name: "outbox_wakes_relays_in_process",
                sql: """
                    -- A NOTIFY holds PostgreSQL's database-wide notification lock through its transaction's commit
                    -- and WAL flush, so it serialized the writing commits of every service. The writing process now
                    -- wakes its own relays after the commit (OutboxCommits); other processes' rows are polled for.
                    DROP TRIGGER IF EXISTS outbox_notify ON outbox;
                    DROP FUNCTION IF EXISTS careloop_outbox_notify();
                    """
            ),
        ]
    )
}
