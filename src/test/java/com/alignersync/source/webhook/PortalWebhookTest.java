package com.alignersync.source.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.alignersync.support.PortalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook bodies rendered by a real PostgreSQL exactly as Supabase's
 * {@code supabase_functions.http_request} trigger builds them ({@code jsonb_build_object} of
 * OLD, NEW, TG_OP, TG_TABLE_NAME, TG_TABLE_SCHEMA), captured in an outbox instead of sent by
 * pg_net (not available here), then delivered over HTTP in commit order.
 */
class PortalWebhookTest {

    private static final String CAPTURE = """
            create table webhook_outbox (id bigserial primary key, body jsonb not null);
            create function capture_webhook() returns trigger language plpgsql as $$
            begin
              insert into webhook_outbox (body) values (jsonb_build_object(
                'old_record', case when TG_OP = 'INSERT' then null else to_jsonb(OLD) end,
                'record', case when TG_OP = 'DELETE' then null else to_jsonb(NEW) end,
                'type', TG_OP, 'table', TG_TABLE_NAME, 'schema', TG_TABLE_SCHEMA));
              return null;
            end $$;
            create trigger notes_webhook after insert or update or delete on public.aligner_notes
              for each row execute function capture_webhook();
            create trigger batches_webhook after update on public.aligner_batches
              for each row execute function capture_webhook();
            -- As the project's setup script does where the portal lacks it.
            create function touch_updated_at() returns trigger language plpgsql as $$
            begin new.updated_at := clock_timestamp(); return new; end $$;
            create trigger batches_touch before update on public.aligner_batches
              for each row execute function touch_updated_at();
            """;

    @TempDir
    Path dataDir;

    @Test
    void bodiesRenderedByPostgresApplyInCommitOrder() throws Exception {
        try (PortalPostgres portal = PortalPostgres.start(); WebhookTestServer http = new WebhookTestServer(dataDir)) {
            portal.execute(CAPTURE);
            portal.execute("insert into public.aligner_batches (aligner_batch_id, aligner_set_id, batch_sequence, days) values (12044, 3187, 3, 14)");
            http.target.insertBatch(12044, 3187, 14);

            portal.execute("insert into public.aligner_notes (note_id, aligner_set_id, note_type, note_text) values (90412, 3187, 'Doctor', 'first text')");
            portal.execute("update public.aligner_notes set note_text = 'edited text', is_edited = true, edited_at = clock_timestamp() where note_id = 90412");
            portal.execute("insert into public.aligner_notes (note_id, aligner_set_id, note_type, note_text) values (90413, 3187, 'Lab', 'from the lab')");
            portal.execute("update public.aligner_batches set days = 10 where aligner_batch_id = 12044");
            portal.execute("update public.aligner_batches set notes = 'courier booked' where aligner_batch_id = 12044");
            portal.execute("update public.aligner_notes set is_read = true, edited_at = clock_timestamp() where note_id = 90412");

            List<String> results = new ArrayList<>();
            for (String body : outbox(portal)) {
                WebhookTestServer.Answer answer = http.post(body);
                assertEquals(200, answer.status(), answer.toString());
                results.add(answer.text("table") + " " + answer.text("type") + " " + answer.text("result"));
            }

            assertEquals(List.of(
                    "aligner_notes INSERT applied",
                    "aligner_notes UPDATE applied",
                    "aligner_notes INSERT ignored",
                    "aligner_batches UPDATE applied",
                    "aligner_batches UPDATE ignored",
                    "aligner_notes UPDATE applied"), results);
            assertEquals("edited text", http.note(90412).get("NOTETEXT"));
            assertEquals(true, http.note(90412).get("ISREAD"));
            assertNull(http.note(90413));
            assertEquals(10, ((Number) http.target.batch(12044).get("DAYS")).intValue());

            portal.execute("delete from public.aligner_notes where note_id = 90412");
            List<String> bodies = outbox(portal);
            WebhookTestServer.Answer delete = http.post(bodies.get(bodies.size() - 1));
            assertEquals("applied", delete.text("result"), delete.toString());
            assertNull(http.note(90412));

            // pg_net delivers in no guaranteed order: an old body arriving after the delete changes nothing.
            WebhookTestServer.Answer late = http.post(bodies.get(1));
            assertEquals("stale", late.text("result"), late.toString());
            assertNull(http.note(90412));
        }
    }

    private static List<String> outbox(PortalPostgres portal) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (Connection c = portal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select body::text from webhook_outbox order by id")) {
            while (rs.next()) {
                bodies.add(rs.getString(1));
            }
        }
        return bodies;
    }
}
