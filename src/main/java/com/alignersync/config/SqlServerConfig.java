package com.alignersync.config;

import java.time.Duration;
import java.time.ZoneId;

/**
 * How to reach the clinic's SQL Server (or the H2 stand-in).
 *
 * @param lockTimeout the daemon's sessions' {@code SET LOCK_TIMEOUT}: never wait forever on a clinic user's lock
 */
public record SqlServerConfig(String jdbcUrl, String user, String password, int poolSize, ZoneId timeZone, Duration lockTimeout) {

    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);

    public SqlServerConfig(String jdbcUrl, String user, String password, int poolSize, ZoneId timeZone) {
        this(jdbcUrl, user, password, poolSize, timeZone, DEFAULT_LOCK_TIMEOUT);
    }

    public static SqlServerConfig from(ConfigReader reader) {
        String url = reader.requiredString(ConfigKeys.SQLSERVER_JDBC_URL);
        if (url != null && !url.startsWith("jdbc:sqlserver:") && !url.startsWith("jdbc:h2:")) {
            reader.problem(ConfigKeys.SQLSERVER_JDBC_URL.label() + " must start with jdbc:sqlserver: (or jdbc:h2: for the embedded target)");
        }
        if (url != null && url.startsWith("jdbc:h2:")) {
            codeOnConnect(url).ifPresent(setting -> reader.problem(ConfigKeys.SQLSERVER_JDBC_URL.label() + " is an H2 URL with " + setting
                    + ": H2 runs that when it connects (SQL, scripts fetched from anywhere, Java classes), so whoever can set this"
                    + " variable could run code as the service; remove " + setting + " from the URL. H2 is only for"
                    + " run --embedded and tests; a clinic's SQL Server takes jdbc:sqlserver:"));
        }
        return new SqlServerConfig(
                url,
                reader.string(ConfigKeys.SQLSERVER_USER),
                reader.string(ConfigKeys.SQLSERVER_PASSWORD),
                reader.intInRange(ConfigKeys.SQLSERVER_POOL_SIZE, 1, 64),
                reader.zone(ConfigKeys.SQLSERVER_TIME_ZONE),
                reader.millis(ConfigKeys.SQLSERVER_LOCK_TIMEOUT_MS, 1, 600_000));
    }

    /** Never print the password: records print every component, so override. */
    @Override
    public String toString() {
        return "SqlServerConfig[jdbcUrl=" + UrlSecrets.mask(jdbcUrl) + ", user=" + user + ", password=****, poolSize=" + poolSize + ", timeZone=" + timeZone
                + ", lockTimeout=" + lockTimeout + "]";
    }

    /**
     * H2 connection settings that execute something: INIT (SQL run on connect, RUNSCRIPT FROM a
     * URL or CREATE ALIAS with Java source in it), and the settings that load a named class. The
     * embedded default's URL carries none of them. Named without the value, which may be anything.
     */
    private static final java.util.List<String> H2_CODE_SETTINGS =
            java.util.List.of("INIT", "DATABASE_EVENT_LISTENER", "JAVA_OBJECT_SERIALIZER", "AUTHENTICATOR");
    private static final java.util.List<String> H2_CODE_WORDS = java.util.List.of("RUNSCRIPT", "CREATE ALIAS", "CREATE TRIGGER");

    static java.util.Optional<String> codeOnConnect(String h2Url) {
        String upper = h2Url.toUpperCase(java.util.Locale.ROOT);
        // Settings follow the database name, separated by ';' (an escaped "\;" stays inside INIT's value).
        for (String part : upper.split(";")) {
            String name = part.contains("=") ? part.substring(0, part.indexOf('=')).strip() : "";
            if (H2_CODE_SETTINGS.contains(name)) {
                return java.util.Optional.of(name + "=");
            }
        }
        // Anywhere else too: an INIT value split at an escaped ';' or a setting spelt oddly must not slip through.
        return H2_CODE_WORDS.stream().filter(word -> upper.replaceAll("\\s+", " ").contains(word)).findFirst();
    }
}
