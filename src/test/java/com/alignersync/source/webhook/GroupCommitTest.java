package com.alignersync.source.webhook;

import static com.alignersync.sink.support.TestEvents.doctorNote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.alignersync.event.Input;
import com.alignersync.event.Op;
import com.alignersync.sink.Outcome;
import com.alignersync.sink.SinkUnavailableException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    @TempDir
    Path dataDir;

    @Test
    void afterCloseARequestIsToldNothingWasWrittenInsteadOfWaitingForever() throws Exception {
        try (WebhookTestServer http = new WebhookTestServer(dataDir)) {
            GroupCommit commit = new GroupCommit(http.sink, java.time.Duration.ofSeconds(5));
            assertEquals(Outcome.APPLIED, commit.apply(doctorNote(Input.WEBHOOK, Op.CREATE, 1, "before close", 0)).outcome());
            commit.close();

            assertThrows(SinkUnavailableException.class, () -> commit.apply(doctorNote(Input.WEBHOOK, Op.CREATE, 2, "after close", 0)));
            assertEquals(null, http.note(2));
        }
    }
}
