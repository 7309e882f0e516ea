package com.alignersync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.SinkConfig;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.event.SourceTable;
import com.alignersync.sink.DeadLetterLog;
import com.alignersync.sink.SinkMetrics;
import com.alignersync.sink.SqlServerSink;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import com.alignersync.trace.DecisionJournal;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trace} end to end: the portal through PostgREST, SQL Server, the ledger and the journal the sink wrote. */
class TraceCommandTest {

    private static final String KEY = "sb_secret_trace_test";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static PortalPostgres portal;
    static FakePostgrest rest;

    @TempDir
    Path dir;

    private final CommandRunner cli = new CommandRunner();

    @BeforeAll
    static void start() throws Exception {
        portal = PortalPostgres.startSetUp();
        rest = FakePostgrest.start(portal.dataSource(), KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        rest.close();
        portal.close();
    }

    @Test
    void aDeliveredEditIsInSqlServerSinceItsCommitAndAnUndeliveredOneSaysWhereTheInputsAre() throws Exception {
        try (H2ClinicTarget target = new H2ClinicTarget()) {
            Path data = dir.resolve("data");
            Path config = dir.resolve("c.properties");
            Files.writeString(config, "sqlserver.jdbc-url=" + target.jdbcUrl() + "\ndata.dir=" + data + "\nsupabase.url=" + rest.supabaseUrl()
                    + "\nsupabase.service-role-key=" + KEY + "\n");
            portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (4, 3187, 14)");
            target.insertBatch(4, 3187, 14);
            portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 4");
            SqlServerSink sink = new SqlServerSink(target.dataSource(), target.dialect(), SinkConfig.defaults(), ZoneOffset.UTC,
                    new DeadLetterLog(data, MAPPER, Clock.systemUTC()), new SinkMetrics(new SimpleMeterRegistry()), Clock.systemUTC(),
                    new DecisionJournal(data, MAPPER, Clock.systemUTC(), 7, 1 << 20));
            sink.apply(List.of(ChangeEvents.of(Input.WEBHOOK, SourceTable.ALIGNER_BATCHES, Op.UPDATE, null, portalRow(4))));

            assertEquals(0, cli.run("trace", "batches", "4", "--config", config.toString()), cli.out() + cli.err());
            assertTrue(cli.out().contains("verdict: in SQL Server since "), cli.out());
            assertTrue(cli.out().contains("(delivered by WEBHOOK)"), cli.out());
            assertTrue(cli.out().contains("WEBHOOK  UPDATE"), cli.out());

            portal.execute("UPDATE aligner_batches SET days = 12 WHERE aligner_batch_id = 4"); // no input runs here
            CommandRunner again = new CommandRunner();
            assertEquals(VerifyCommand.DRIFT, again.run("trace", "batches", "4", "--config", config.toString(), "--json"), again.err());
            Map<?, ?> json = MAPPER.readValue(again.out(), Map.class);
            assertTrue(String.valueOf(json.get("verdict")).contains("nothing has delivered it yet: CDC has reported no batch; no poll has run"),
                    String.valueOf(json.get("verdict")));
            assertFalse((Boolean) json.get("agree"));

            CommandRunner wrong = new CommandRunner();
            assertEquals(com.alignersync.app.ExitCodes.CONFIG, wrong.run("trace", "days", "4", "--config", config.toString()));
            assertTrue(wrong.err().contains("TABLE must be notes or batches"), wrong.err());
        }
    }

    private static Map<String, Object> portalRow(long id) throws Exception {
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_jsonb(b)::text FROM aligner_batches b WHERE aligner_batch_id = " + id)) {
            rs.next();
            @SuppressWarnings("unchecked")
            Map<String, Object> row = MAPPER.readValue(rs.getString(1), Map.class);
            return row;
        }
    }
}
