package com.alignersync.ops;

import com.alignersync.config.CdcConfig;
import com.alignersync.source.cdc.SlotHealth;
import com.alignersync.source.cdc.SlotMonitor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The portal side of the preflight: what logical replication of the two tables needs from Postgres. */
final class PortalChecks {

    static final String REACHABLE = "postgres";
    static final String WAL_LEVEL = "wal_level";
    static final String REPLICATION = "replication right";
    static final String PUBLICATION = "publication";
    static final String REPLICA_IDENTITY = "replica identity";
    static final String UPDATED_AT = "aligner_notes.updated_at";
    static final String SLOT = "replication slot";
    static final String ORIGIN = "origin stamps";
    static final List<String> NAMES = List.of(REACHABLE, ConnectionSecurity.POSTGRES, WAL_LEVEL, REPLICATION, PUBLICATION, REPLICA_IDENTITY,
            UPDATED_AT, ORIGIN, SLOT);

    private static final List<String> TABLES = List.of("public.aligner_notes", "public.aligner_batches");
    private static final String HEARTBEAT = "public.aligner_sync_heartbeat";
    private static final String SETUP = "run connector-config/supabase-setup.sql";

    private final CdcConfig cdc;
    private final Clock clock;

    PortalChecks(CdcConfig cdc, Clock clock) {
        this.cdc = cdc;
        this.clock = clock;
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        try (Connection connection = cdc.db().connect("aligner-sync check")) {
            results.add(CheckResult.ok(REACHABLE, cdc.db().user() + "@" + cdc.db().host() + ":" + cdc.db().port() + "/" + cdc.db().database()
                    + ", " + connection.getMetaData().getDatabaseProductName() + " " + connection.getMetaData().getDatabaseProductVersion()));
            results.add(ConnectionSecurity.postgres(cdc.db()));
            results.add(guard(WAL_LEVEL, () -> walLevel(connection)));
            results.add(guard(REPLICATION, () -> replicationRight(connection)));
            results.add(guard(PUBLICATION, () -> publication(connection)));
            results.add(guard(REPLICA_IDENTITY, () -> replicaIdentity(connection)));
            results.add(guard(UPDATED_AT, () -> updatedAt(connection)));
            results.add(guard(ORIGIN, () -> originStamps(connection)));
        } catch (SQLException e) {
            results.add(CheckResult.fail(REACHABLE, "cannot connect to " + cdc.db().host() + ":" + cdc.db().port() + " as " + cdc.db().user()
                    + " (" + ErrorText.of(e) + "): check supabase.db-url (env SUPABASE_DB_URL), the direct host, the password"));
            NAMES.stream().skip(1).forEach(name -> results.add(CheckResult.skip(name, "Postgres is not reachable")));
            return results;
        }
        results.add(guard(SLOT, this::slot));
        return results;
    }

    private interface Check {
        CheckResult run() throws SQLException;
    }

    private static CheckResult guard(String name, Check check) {
        try {
            return check.run();
        } catch (SQLException e) {
            return CheckResult.fail(name, "query failed: " + ErrorText.of(e));
        }
    }

    private static CheckResult walLevel(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            return "logical".equals(level)
                    ? CheckResult.ok(WAL_LEVEL, "logical")
                    : CheckResult.fail(WAL_LEVEL, level + ", needs logical: set wal_level = logical and restart Postgres (Supabase has it on)");
        }
    }

    private static CheckResult replicationRight(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user, rolreplication, rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            String role = rs.getString(1);
            if (rs.getBoolean(3)) {
                return CheckResult.ok(REPLICATION, "role " + role + " is a superuser");
            }
            return rs.getBoolean(2)
                    ? CheckResult.ok(REPLICATION, "role " + role + " has REPLICATION")
                    : CheckResult.fail(REPLICATION, "role " + role + " lacks REPLICATION: as an admin, alter role " + role
                    + " with replication (on Supabase, connect as postgres)");
        }
    }

    private CheckResult publication(Connection connection) throws SQLException {
        String name = cdc.publicationName();
        boolean allTables;
        boolean allOps;
        try (PreparedStatement q = connection.prepareStatement(
                "SELECT puballtables, pubinsert AND pubupdate AND pubdelete FROM pg_publication WHERE pubname = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return CheckResult.fail(PUBLICATION, name + " does not exist: " + SETUP);
                }
                allTables = rs.getBoolean(1);
                allOps = rs.getBoolean(2);
            }
        }
        Set<String> published = new TreeSet<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    published.add(rs.getString(1));
                }
            }
        }
        List<String> missing = TABLES.stream().filter(t -> !published.contains(t)).toList();
        if (!missing.isEmpty()) {
            return CheckResult.fail(PUBLICATION, name + " does not publish " + String.join(", ", missing) + ": " + SETUP);
        }
        if (!allOps) {
            return CheckResult.fail(PUBLICATION, name + " does not publish every insert, update and delete: " + SETUP);
        }
        Set<String> extra = new TreeSet<>(published);
        TABLES.forEach(extra::remove);
        extra.remove(HEARTBEAT);
        if (allTables || !extra.isEmpty()) {
            return CheckResult.warn(PUBLICATION, name + (allTables ? " is FOR ALL TABLES" : " also publishes " + String.join(", ", extra))
                    + ": their changes are decoded and sent for nothing; " + SETUP + " to publish only the portal tables");
        }
        return CheckResult.ok(PUBLICATION, name + " publishes " + String.join(", ", published));
    }

    private static CheckResult replicaIdentity(Connection connection) throws SQLException {
        Map<String, String> identity = new LinkedHashMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT c.relname, c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = 'public' AND c.relname IN ('aligner_notes', 'aligner_batches') AND c.relkind IN ('r', 'p')"
                        + " ORDER BY c.relname DESC")) {
            while (rs.next()) {
                identity.put(rs.getString(1), rs.getString(2));
            }
        }
        List<String> wrong = new ArrayList<>();
        for (String table : List.of("aligner_notes", "aligner_batches")) {
            String code = identity.get(table);
            if (code == null) {
                wrong.add("public." + table + " does not exist");
            } else if (!"f".equals(code)) {
                wrong.add("public." + table + " is " + identityName(code) + " (alter table public." + table + " replica identity full)");
            }
        }
        return wrong.isEmpty()
                ? CheckResult.ok(REPLICA_IDENTITY, "FULL on aligner_notes and aligner_batches")
                : CheckResult.fail(REPLICA_IDENTITY, String.join("; ", wrong) + ": updates and deletes need the old row; " + SETUP);
    }

    private static String identityName(String code) {
        return switch (code) {
            case "d" -> "DEFAULT";
            case "n" -> "NOTHING";
            case "i" -> "USING INDEX";
            default -> code;
        };
    }

    private static CheckResult updatedAt(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'aligner_notes'"
                        + " AND column_name = 'updated_at'")) {
            return rs.next()
                    ? CheckResult.ok(UPDATED_AT, "present (one poll cursor, one version for every input)")
                    : CheckResult.warn(UPDATED_AT, "missing: the poller falls back to two cursors (created_at, edited_at); " + SETUP + " to add it");
        }
    }

    /**
     * Who the portal takes for the clinic's forward sync, and who made the changes of the last
     * week: the two-way rules (docs/two-way.md) never write back a change stamped 'clinic', so a
     * mix that is all one side usually means that identity is wrong.
     */
    private static CheckResult originStamps(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                        + " AND column_name IN ('days_changed_by', 'text_changed_by', 'read_changed_by')")) {
            rs.next();
            if (rs.getInt(1) < 3) {
                return CheckResult.warn(ORIGIN, "missing: the portal cannot say who made a change, so changes are applied by version"
                        + " alone and only the ping-pong breaker stops a loop; " + SETUP + " naming the forward sync's role (docs/two-way.md)");
            }
        }
        String roles;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT array_to_string(public.aligner_sync_forward_sync_roles(), ',')")) {
            roles = rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
        }
        long clinic = 0;
        long doctors = 0;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT by, count(*) FROM ("
                        + " SELECT days_changed_by AS by FROM public.aligner_batches WHERE days_changed_at > now() - interval '7 days'"
                        + " UNION ALL SELECT text_changed_by FROM public.aligner_notes WHERE text_changed_at > now() - interval '7 days'"
                        + " UNION ALL SELECT read_changed_by FROM public.aligner_notes WHERE read_changed_at > now() - interval '7 days'"
                        + ") changes GROUP BY by")) {
            while (rs.next()) {
                if ("clinic".equals(rs.getString(1))) {
                    clinic += rs.getLong(2);
                } else {
                    doctors += rs.getLong(2);
                }
            }
        }
        String facts = "forward sync identified by " + (roles.isEmpty() ? "no role (only sessions that SET aligner_sync.origin = 'clinic')"
                : "role(s) " + roles + " or SET aligner_sync.origin = 'clinic'") + "; changes of the last 7 days: " + clinic + " by the clinic, "
                + doctors + " by doctors";
        if (clinic == 0 && doctors > 0) {
            return CheckResult.warn(ORIGIN, facts + ": none is the clinic's. If the forward sync ran this week, its identity is not named:"
                    + " its changes are taken for doctors' edits (docs/two-way.md)");
        }
        if (doctors == 0 && clinic > 20) {
            return CheckResult.warn(ORIGIN, facts + ": none is a doctor's. If doctors edited this week, a role they write as is named"
                    + " as the forward sync's, and their edits are not synced (docs/two-way.md)");
        }
        return CheckResult.ok(ORIGIN, facts);
    }

    private CheckResult slot() throws SQLException {
        SlotHealth slot = new SlotMonitor(cdc.db(), cdc.slotName(), clock).check();
        if (!slot.exists()) {
            return CheckResult.warn(SLOT, cdc.slotName() + " does not exist yet: it will be created on first start");
        }
        String facts = cdc.slotName() + (slot.active() ? " active" : " inactive") + ", wal_status " + slot.walStatus()
                + ", confirmed " + slot.confirmedFlushLsn() + ", retained WAL " + slot.retainedWalBytes() + " bytes";
        if (slot.lost()) {
            return CheckResult.fail(SLOT, facts + ": the server dropped its WAL; drop it with select pg_drop_replication_slot('"
                    + cdc.slotName() + "') and start the daemon (a poll catches up what was missed)");
        }
        if ("unreserved".equals(slot.walStatus())) {
            return CheckResult.warn(SLOT, facts + ": about to be lost (max_slot_wal_keep_size); start the daemon now");
        }
        return CheckResult.ok(SLOT, facts);
    }
}
