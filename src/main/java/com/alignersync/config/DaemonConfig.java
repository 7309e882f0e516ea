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
        ReconcileConfig reconcile) {

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
                ReconcileConfig.from(reader));
        reader.throwIfProblems();
        return config;
    }
}
