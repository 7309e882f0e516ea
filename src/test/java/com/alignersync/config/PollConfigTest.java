package com.alignersync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PollConfigTest {

    private static PollConfig parse(Map<String, String> values) {
        ConfigReader reader = new ConfigReader(Settings.of(values));
        PollConfig config = PollConfig.from(reader);
        reader.throwIfProblems();
        return config;
    }

    @Test
    void defaultsMatchTheIssue() {
        PollConfig config = parse(Map.of("supabase.url", "https://abc.supabase.co/", "supabase.service-role-key", "sb_secret_x"));
        assertTrue(config.enabled());
        assertEquals(URI.create("https://abc.supabase.co/rest/v1"), config.restUrl());
        assertEquals(Duration.ofMinutes(60), config.interval());
        assertEquals(1000, config.pageSize());
        assertEquals(Duration.ofMinutes(10), config.overlap());
        assertEquals(Duration.ofHours(24), config.initialLookback());
        assertEquals(PollConfig.NotesCursor.AUTO, config.notesCursor());
    }

    @Test
    void everyProblemIsReportedAtOnceNamingKeyAndVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of("supabase.url", "ftp://x",
                "poll.page-size", "0", "poll.notes.cursor", "sometimes", "poll.enabled", "yes please")));
        String message = e.getMessage();
        // An invalid poll.enabled counts as its default (true), so the missing key is reported too.
        assertEquals(5, e.problems().size(), message);
        assertTrue(message.contains("POLL_PAGE_SIZE") && message.contains("POLL_NOTES_CURSOR") && message.contains("POLL_ENABLED")
                && message.contains("SUPABASE_URL"), message);
    }

    @Test
    void anEnabledPollerNeedsUrlAndKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of()));
        assertTrue(e.getMessage().contains("SUPABASE_URL") && e.getMessage().contains("SUPABASE_SERVICE_ROLE_KEY"), e.getMessage());
        assertFalse(parse(Map.of("poll.enabled", "false")).enabled());
    }

    @Test
    void theKeyIsNeverPrinted() {
        PollConfig config = parse(Map.of("supabase.url", "https://abc.supabase.co", "supabase.service-role-key", "sb_secret_topsecret",
                "poll.notes.cursor", "created-edited"));
        assertFalse(config.toString().contains("topsecret"));
        assertEquals(PollConfig.NotesCursor.CREATED_EDITED, config.notesCursor());
    }
}
