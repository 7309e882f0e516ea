package com.alignersync.source.webhook;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static com.alignersync.source.webhook.WebhookTestServer.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkUnavailableException;
import com.alignersync.source.webhook.WebhookTestServer.Answer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    @TempDir
    Path dataDir;

    @Test
    void afterCloseARequestIsToldNothingWasWrittenInsteadOfWaitingForever() throws Exception {
        try (WebhookTestServer http = new WebhookTestServer(dataDir)) {
            GroupCommit commit = new GroupCommit(http.sink, Duration.ofSeconds(5));
            assertEquals(Outcome.APPLIED, commit.apply(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "before close", 0)).outcome());
            commit.close();

            assertThrows(SinkUnavailableException.class, () -> commit.apply(doctorNote(Input.WEBHOOK, Op.CREATE, 2, "after close", 0)));
            assertEquals(null, http.note(2));
        }
    }

    @Test
    void writerHitByAnErrorAnswersTheNextWebhook() throws Exception {
        AtomicReference<Error> next = new AtomicReference<>();
        try (WebhookTestServer http = new WebhookTestServer(dataDir, dataSource -> throwingOnce(dataSource, next))) {
            next.set(new AssertionError("a bug deep in the sink"));
            Answer hit = http.post(fixture("webhook-notes-insert.json"));
            assertEquals(503, hit.status(), hit.toString());
            assertEquals("sink_unavailable", hit.text("error"), hit.toString());
            assertNull(http.note(90412));

            Answer after = http.post(fixture("webhook-notes-insert.json"));

            assertEquals(200, after.status(), "the writer must outlive the Error: " + after);
            assertEquals("applied", after.text("result"));
            assertNotNull(http.note(90412));
        }
    }

    @Test
    void aGroupHitByAStackOverflowIsToldItMayRetryAndTheNextGroupCommits() throws Exception {
        AtomicReference<Error> next = new AtomicReference<>();
        try (WebhookTestServer http = new WebhookTestServer(dataDir, dataSource -> throwingOnce(dataSource, next));
             GroupCommit commit = new GroupCommit(http.sink, Duration.ofSeconds(5))) {
            next.set(new StackOverflowError());
            SinkUnavailableException failed = assertThrows(SinkUnavailableException.class,
                    () -> commit.apply(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "hit", 0)));
            assertNotNull(failed.getCause(), "the Error stays attached for the log");

            assertEquals(Outcome.APPLIED, commit.apply(doctorNote(Input.WEBHOOK, Op.CREATE, 2, "next group", 0)).outcome());
            assertEquals(Outcome.APPLIED, commit.apply(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "hit, redelivered", 0)).outcome());
        }
    }

    /** The data source, except that the next connection asked for after {@code next} is set throws that Error instead. */
    private static DataSource throwingOnce(DataSource dataSource, AtomicReference<Error> next) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (method.getName().equals("getConnection")) {
                Error error = next.getAndSet(null);
                if (error != null) {
                    throw error;
                }
            }
            try {
                return method.invoke(dataSource, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
