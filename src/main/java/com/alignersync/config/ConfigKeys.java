package com.alignersync.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every configuration key of the daemon. The environment variable names of the first
 * group are fixed: users and scripts of the earlier poller rely on them.
 */
public final class ConfigKeys {

    private static final List<ConfigKey> ALL = new ArrayList<>();

    public static final ConfigKey SUPABASE_URL = key("supabase.url", "SUPABASE_URL", null, false,
            "Supabase project URL, e.g. https://<ref>.supabase.co (the REST poller uses <url>/rest/v1)");
    public static final ConfigKey SUPABASE_SERVICE_ROLE_KEY = key("supabase.service-role-key", "SUPABASE_SERVICE_ROLE_KEY", null, true,
            "Supabase service role key (legacy JWT) or secret key (sb_secret_...) for the REST poller");
    public static final ConfigKey SUPABASE_DB_URL = key("supabase.db-url", "SUPABASE_DB_URL", null, true,
            "postgresql://user:password@db.<ref>.supabase.co:5432/postgres: the DIRECT host, not the pooler (replication needs it)");
    public static final ConfigKey SQLSERVER_JDBC_URL = key("sqlserver.jdbc-url", "SQLSERVER_JDBC_URL", null, false,
            "JDBC URL of the clinic database, e.g. jdbc:sqlserver://host:1433;databaseName=Clinic;encrypt=true (the driver then"
                    + " verifies the server's certificate; check warns when trustServerCertificate=true turns that off)"
                    + " (jdbc:h2:...;MODE=MSSQLServer for the embedded target)");
    public static final ConfigKey SQLSERVER_USER = key("sqlserver.user", "SQLSERVER_USER", "", false,
            "SQL Server login (needs SELECT/INSERT/UPDATE/DELETE on the two clinic tables, ALTER on tblAlignerNotes for IDENTITY_INSERT, and the ledger)");
    public static final ConfigKey SQLSERVER_PASSWORD = key("sqlserver.password", "SQLSERVER_PASSWORD", "", true,
            "SQL Server password");
    public static final ConfigKey WEBHOOK_SECRET = key("webhook.secret", "WEBHOOK_SECRET", null, true,
            "Shared secret the Supabase webhooks send as 'Authorization: Bearer <secret>'; also the only credential the"
                    + " operator routes (POST /api/sync/poll, /api/sync/reconcile, /api/sync/dead-letters/replay) accept");
    public static final ConfigKey DATA_DIR = key("data.dir", "DATA_DIR", "data", false,
            "Directory for offsets, poll cursors, dead letters and the lock file");
    public static final ConfigKey PORT = key("http.port", "PORT", "3000", false,
            "Port of the public listener, the one Supabase's webhooks reach: it serves POST /api/sync/webhook, GET /health and"
                    + " a bare GET /ready (ready or not, never why), nothing else (the console, status, metrics and operator routes are on ops.port)");

    public static final ConfigKey SQLSERVER_POOL_SIZE = key("sqlserver.pool-size", null, "4", false,
            "Maximum connections to SQL Server");
    public static final ConfigKey SQLSERVER_TIME_ZONE = key("sqlserver.time-zone", null, "UTC", false,
            "Time zone in which timestamps are written to the clinic's datetime columns (e.g. UTC, Europe/Berlin)");
    public static final ConfigKey SQLSERVER_LOCK_TIMEOUT_MS = key("sqlserver.lock-timeout-ms", null, "5000", false,
            "SET LOCK_TIMEOUT of the daemon's sessions: how long a write waits for a row another session (a clinic user) holds"
                    + " before SQL Server answers 1222 and the sink retries; SQL Server's own default, -1, would wait forever");
    public static final ConfigKey SINK_STATEMENT_TIMEOUT_SECONDS = key("sink.statement-timeout-seconds", null, "30", false,
            "JDBC query timeout of every sink statement, in seconds: a statement still running then is cancelled and retried");
    public static final ConfigKey SINK_ISOLATE_AFTER_FAILURES = key("sink.isolate-after-failures", null, "3", false,
            "After this many identical refusals of one batch (a clinic trigger's error, say) the sink applies it key by key,"
                    + " each in its own transaction, and parks only the key SQL Server refuses alone");
    public static final ConfigKey SINK_NOTES_DELETE_MODE = key("sink.notes.delete-mode", null, "delete", false,
            "What a deleted Doctor note does in SQL Server: delete (remove the row) or ignore (keep it; a tombstone is still recorded)");
    public static final ConfigKey SINK_RETRY_MAX_ATTEMPTS = key("sink.retry.max-attempts", null, "5", false,
            "Attempts for a batch that fails with a transient SQL Server error (connection loss, deadlock, timeout)");
    public static final ConfigKey SINK_RETRY_INITIAL_BACKOFF_MS = key("sink.retry.initial-backoff-ms", null, "200", false,
            "First retry delay; it doubles per attempt up to sink.retry.max-backoff-ms");
    public static final ConfigKey SINK_RETRY_MAX_BACKOFF_MS = key("sink.retry.max-backoff-ms", null, "10000", false,
            "Upper bound of the retry delay");
    public static final ConfigKey SINK_PINGPONG_MAX_WRITES = key("sink.pingpong.max-writes", null, "6", false,
            "Ping-pong breaker (docs/two-way.md): a note or batch written this many times within sink.pingpong.window-seconds,"
                    + " whose next write goes back to a value it had in that window, is not written again and its next copies are parked,"
                    + " with an alarm; 0 turns the breaker off");
    public static final ConfigKey SINK_PINGPONG_WINDOW_SECONDS = key("sink.pingpong.window-seconds", null, "120", false,
            "The time window of sink.pingpong.max-writes, in seconds");
    public static final ConfigKey SINK_REFUSAL_WINDOW_SECONDS = key("sink.refusal-window-seconds", null, "900", false,
            "How long a key SQL Server refused is remembered as evidence (docs/sqlserver-failures.md): it is parked only when"
                    + " other keys commit meanwhile, and 5 keys refused the same way with none committing stop writes as systemic");

    public static final ConfigKey TRACE_ENABLED = key("trace.enabled", null, "true", false,
            "Whether the sink journals its decisions in DATA_DIR/decisions for 'aligner-sync trace' (keys, versions, decisions and"
                    + " times; no note text)");
    public static final ConfigKey TRACE_RETENTION_DAYS = key("trace.retention-days", null, "7", false,
            "Days of decisions the journal keeps; older day files are deleted");
    public static final ConfigKey TRACE_MAX_MB_PER_DAY = key("trace.max-mb-per-day", null, "64", false,
            "Size cap of one day's journal file, in MiB; past it that day's later decisions are not journaled (logged once)");

    public static final ConfigKey DATA_DEAD_LETTER_RETENTION_DAYS = key("data.dead-letter-retention-days", null, "0", false,
            "Days a change stays parked in data/dead-letter (whole rows, note text included) before the daemon deletes it,"
                    + " replayed or not; checked at start and daily. 0 keeps them until a replay resolves them or"
                    + " 'dead-letters purge --older-than DAYS' deletes them");

    // --- Webhook input and HTTP surface. WEBHOOK_SECRET and PORT are declared above. ---
    public static final ConfigKey WEBHOOK_SECRET_PREVIOUS = key("webhook.secret-previous", null, null, true,
            "A second bearer secret the webhook accepts while the Supabase webhooks move to a new webhook.secret (rotation);"
                    + " remove it once every webhook sends the new one. Never accepted on the operator routes");
    public static final ConfigKey HTTP_OPERATOR_SECRET = key("http.operator-secret", "OPERATOR_SECRET", null, true,
            "The operator routes' own bearer secret (manual poll, reconcile, verify, trace, dead-letter replay, the console's"
                    + " buttons), required whatever webhook.auth says; unset, they take webhook.secret (the start-up log warns). At least 16"
                    + " characters, different from every webhook secret");
    public static final ConfigKey WEBHOOK_ENABLED = key("webhook.enabled", null, "true", false,
            "Whether POST /api/sync/webhook accepts Supabase Database Webhooks (true or false)");
    public static final ConfigKey WEBHOOK_AUTH = key("webhook.auth", null, "bearer", false,
            "bearer: require 'Authorization: Bearer <webhook.secret>' or, when webhook.signing-secret is set, a valid"
                    + " Standard Webhooks signature; none: accept unauthenticated webhooks (only on a closed network; warns)");
    public static final ConfigKey WEBHOOK_SIGNING_SECRET = key("webhook.signing-secret", null, null, true,
            "Standard Webhooks signing secret, v1,whsec_<base64> (or whsec_<base64>); when set, requests signed with"
                    + " webhook-id, webhook-timestamp and webhook-signature headers are accepted too, on the webhook only (a"
                    + " signature does not cover the path, so the operator routes take only webhook.secret)");
    public static final ConfigKey WEBHOOK_SIGNING_SECRET_PREVIOUS = key("webhook.signing-secret-previous", null, null, true,
            "During a rotation of the signing secret: the old one, whose signatures the webhook still accepts beside"
                    + " webhook.signing-secret's until every sender signs with the new one; then remove it");
    public static final ConfigKey WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = key("webhook.signature-tolerance-seconds", null, "300", false,
            "How far a signed request's webhook-timestamp may be from this machine's clock, in seconds (replay protection)");
    public static final ConfigKey WEBHOOK_MAX_BODY_BYTES = key("webhook.max-body-bytes", null, "262144", false,
            "Largest webhook body accepted, in bytes; a larger one gets 413");
    public static final ConfigKey WEBHOOK_SINK_TIMEOUT_MS = key("webhook.sink-timeout-ms", null, "1000", false,
            "Longest a webhook request waits for its SQL Server commit before it is answered 503 (a redelivery is safe);"
                    + " keep it at or below the timeout of the Supabase webhook (pg_net's default is 1000 ms)");
    public static final ConfigKey HTTP_BIND_ADDRESS = key("http.bind-address", null, "0.0.0.0", false,
            "Address the public (webhook) listener binds (0.0.0.0 for all interfaces, 127.0.0.1 for a reverse proxy on this"
                    + " machine); any address but a loopback one needs http.tls.certificate, or http.behind-proxy=true");
    public static final ConfigKey HTTP_TLS_CERTIFICATE = key("http.tls.certificate", null, null, false,
            "TLS certificate of the public listener: a PEM file with the chain, leaf first (Let's Encrypt's fullchain.pem),"
                    + " together with http.tls.private-key; or a PKCS#12 file (.p12 or .pfx) holding key and chain. Read again when"
                    + " it changes, so a renewal needs no restart");
    public static final ConfigKey HTTP_TLS_PRIVATE_KEY = key("http.tls.private-key", null, null, false,
            "PEM private key of a PEM http.tls.certificate (PKCS#8 'BEGIN PRIVATE KEY', such as Let's Encrypt's privkey.pem,"
                    + " or PKCS#1 'BEGIN RSA PRIVATE KEY'); leave unset for a PKCS#12 certificate");
    public static final ConfigKey HTTP_TLS_KEY_STORE_PASSWORD = key("http.tls.key-store-password", null, "", true,
            "Password of a PKCS#12 http.tls.certificate (empty for none)");
    public static final ConfigKey HTTP_TLS_RELOAD_CHECK_SECONDS = key("http.tls.reload-check-seconds", null, "60", false,
            "How often the certificate files are checked for a renewal, in seconds; a changed pair that loads is used for new"
                    + " connections, one that does not (half written, key and certificate not matching) is retried and the old one kept");
    public static final ConfigKey HTTP_BEHIND_PROXY = key("http.behind-proxy", null, "false", false,
            "true when a reverse proxy terminates TLS in front of the public listener (docs/security.md ships a tested"
                    + " configuration): the listener may then speak plain HTTP on an address other than a loopback one");
    public static final ConfigKey OPS_PORT = key("ops.port", null, "3001", false,
            "Port of the ops listener: the console at /, /api/sync/status, /health, /ready, /metrics and the operator routes");
    public static final ConfigKey OPS_BIND_ADDRESS = key("ops.bind-address", null, "127.0.0.1", false,
            "Address the ops listener binds; keep it local (Prometheus on this machine, an SSH tunnel): another address"
                    + " serves the console, status and metrics in clear text to that network (the start-up log and check warn)");
    public static final ConfigKey HTTP_MAX_CONNECTIONS = key("http.max-connections", null, "256", false,
            "Connections each HTTP listener accepts at once; past it it stops accepting until one closes (a flood of idle or slow"
                    + " connections cannot take every thread)");
    public static final ConfigKey HTTP_IDLE_TIMEOUT_MS = key("http.idle-timeout-ms", null, "10000", false,
            "A connection or request idle this long is closed, in milliseconds");
    public static final ConfigKey HTTP_MIN_REQUEST_DATA_RATE = key("http.min-request-data-rate", null, "4096", false,
            "Bytes per second a request body must arrive at; a body trickled slower is cut off (0: no minimum)");
    public static final ConfigKey HTTP_STOP_TIMEOUT_MS = key("http.stop-timeout-ms", null, "10000", false,
            "On shutdown, how long requests already being processed may take to finish, in milliseconds");

    // --- Poll input (REST catch-up through PostgREST); parsed by PollConfig ----------------
    public static final ConfigKey POLL_ENABLED = key("poll.enabled", null, "true", false,
            "Run the REST poller (true or false); it needs supabase.url and supabase.service-role-key");
    public static final ConfigKey POLL_INTERVAL_MINUTES = key("poll.interval-minutes", null, "60", false,
            "Minutes between scheduled polls (one also runs at start-up); polls never overlap");
    public static final ConfigKey POLL_PAGE_SIZE = key("poll.page-size", null, "1000", false,
            "Rows asked for per request; Supabase returns at most its max-rows (1000 by default) whatever this says");
    public static final ConfigKey POLL_OVERLAP_MINUTES = key("poll.overlap-minutes", null, "10", false,
            "Minutes behind each cursor re-read on every poll, for rows committed late with an earlier timestamp");
    public static final ConfigKey POLL_INITIAL_LOOKBACK_HOURS = key("poll.initial-lookback-hours", null, "24", false,
            "Where the first poll starts when data/reverse-sync-state.json does not exist: this many hours back");
    public static final ConfigKey POLL_REQUEST_TIMEOUT_MS = key("poll.request-timeout-ms", null, "30000", false,
            "Timeout of one REST request (connect and response), in milliseconds");
    public static final ConfigKey POLL_NOTES_CURSOR = key("poll.notes.cursor", null, "auto", false,
            "Cursor of aligner_notes: updated_at, created-edited (two cursors, for portals without updated_at),"
                    + " or auto (probe once for updated_at)");

    // --- The embedded default (run --embedded) ---------------------------------------------
    public static final ConfigKey EMBEDDED_POSTGRES_PORT = key("embedded.postgres-port", null, "54329", false,
            "With run --embedded: the port of the embedded portal PostgreSQL (fixed, so the printed psql command keeps working)");

    // --- CDC input (logical replication through the embedded Debezium engine) -------------
    // The connection comes from SUPABASE_DB_URL above; any debezium.source.* property of the
    // file is passed to the engine unchanged (as in Debezium Server) and wins over these.
    public static final ConfigKey CDC_ENABLED = key("cdc.enabled", null, "true", false,
            "Run the CDC input (true/false); it needs supabase.db-url and the setup of connector-config/supabase-setup.sql");
    public static final ConfigKey CDC_SLOT_NAME = key("cdc.slot-name", null, "aligner_sync", false,
            "Logical replication slot the engine creates and reads (lower-case letters, digits, _)");
    public static final ConfigKey CDC_PUBLICATION_NAME = key("cdc.publication-name", null, "aligner_sync_pub", false,
            "Publication of the two portal tables (supabase-setup.sql creates it)");
    public static final ConfigKey CDC_SNAPSHOT_MODE = key("cdc.snapshot-mode", null, "no_data", false,
            "Debezium snapshot.mode: no_data streams only new changes (history is the poller's job); initial also copies the tables once");
    public static final ConfigKey CDC_POLL_INTERVAL_MS = key("cdc.poll-interval-ms", null, "10", false,
            "How long the engine waits for more changes before handing a batch on; bounds the added latency");
    public static final ConfigKey CDC_HEARTBEAT_INTERVAL_MS = key("cdc.heartbeat-interval-ms", null, "10000", false,
            "Debezium heartbeat.interval.ms: confirms the position to the slot when the tables are quiet (0 = off)");
    public static final ConfigKey CDC_HEARTBEAT_ACTION_QUERY = key("cdc.heartbeat-action-query", null, "", false,
            "SQL run on each heartbeat so an idle Supabase database still moves the slot, e.g. the upsert into"
                    + " public.aligner_sync_heartbeat that supabase-setup.sql prepares (blank = none)");
    public static final ConfigKey CDC_RESTART_BACKOFF_INITIAL_MS = key("cdc.restart-backoff-initial-ms", null, "1000", false,
            "First delay before restarting the engine after Postgres was unreachable or the connection dropped; doubles per failure");
    public static final ConfigKey CDC_RESTART_BACKOFF_MAX_MS = key("cdc.restart-backoff-max-ms", null, "60000", false,
            "Upper bound of the engine restart delay, also of the pause while SQL Server is unavailable");
    public static final ConfigKey CDC_SLOT_CHECK_INTERVAL_MS = key("cdc.slot-check-interval-ms", null, "60000", false,
            "How often pg_replication_slots is read for slot health (active, wal_status, retained WAL)");

    // --- Reconcile and verify (deletes the inputs missed; drift reports); parsed by ReconcileConfig ---
    public static final ConfigKey RECONCILE_INTERVAL_HOURS = key("reconcile.interval-hours", null, "24", false,
            "Hours between scheduled reconcile passes (deletes of Doctor notes the portal no longer has); 0 turns the"
                    + " schedule off (passes after a slot alarm or a start without CDC offsets, and on demand, still run)");
    public static final ConfigKey RECONCILE_MAX_DELETE_PERCENT = key("reconcile.max-delete-percent", null, "10", false,
            "The delete guard of reconcile and verify --repair: deletes of more than this percentage of the Doctor notes"
                    + " the ledger holds (and more than 10 notes) are refused, nothing is deleted and an alarm is raised. An empty"
                    + " portal listing, or one lacking more than half of the ledger's notes, is refused whatever this says (row-level"
                    + " security or a wrong key must not empty SQL Server); 100 turns off only this percentage. Check with"
                    + " 'reconcile --dry-run'; a real mass delete passes with 'reconcile --allow-mass-delete'");

    private ConfigKeys() {
    }

    public static List<ConfigKey> all() {
        return Collections.unmodifiableList(ALL);
    }

    private static ConfigKey key(String property, String env, String defaultValue, boolean secret, String doc) {
        ConfigKey key = new ConfigKey(property, env != null ? env : ConfigKey.envNameOf(property), defaultValue, secret, doc);
        ALL.add(key);
        return key;
    }
}
