package com.alignersync.config;

/** Everything {@code run} needs, parsed and checked at once: every problem of every section is reported together. */
public record DaemonConfig(
        SqlServerConfig sqlServer,
        SinkConfig sink,
        DataConfig data,
        HttpServerConfig http,
        WebhookConfig webhook,
        PollConfig poll,
        CdcConfig cdc,
        ReconcileConfig reconcile,
        TraceConfig trace) {

    /** @throws ConfigException listing every problem found */
    public static DaemonConfig from(ConfigReader reader) {
        DaemonConfig config = new DaemonConfig(
                SqlServerConfig.from(reader),
                SinkConfig.from(reader),
                DataConfig.from(reader),
                HttpServerConfig.from(reader),
                WebhookConfig.from(reader),
                PollConfig.from(reader),
                CdcConfig.from(reader),
                ReconcileConfig.from(reader),
                TraceConfig.from(reader));
        if (config.cdc().enabled() && config.poll().notesCursor() == PollConfig.NotesCursor.CREATED_EDITED) {
            // Without updated_at two edits of a note can carry the same version (rule 5's tie-break
            // then guesses), and CDC and the poller would disagree on versions: refuse the mix.
            reader.problem(ConfigKeys.POLL_NOTES_CURSOR.label() + " is created-edited (a portal without aligner_notes.updated_at)"
                    + " while " + ConfigKeys.CDC_ENABLED.label() + " is true: CDC needs updated_at as the version every input agrees on."
                    + " Run connector-config/supabase-setup.sql on the portal database and set " + ConfigKeys.POLL_NOTES_CURSOR.label()
                    + " to auto, or set " + ConfigKeys.CDC_ENABLED.label() + " to false");
        }
        if (config.webhook().enabled()) {
            config.http().plainTextExposure().ifPresent(reader::problem);
            config.http().portClash().ifPresent(reader::problem);
        }
        reader.throwIfProblems();
        return config;
    }
}
