package com.alignersync.support;

import com.alignersync.config.ConfigReader;
import com.alignersync.config.DaemonConfig;
import com.alignersync.config.Settings;
import com.alignersync.source.poll.support.FakePostgrest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration of a daemon started in a test JVM against the test world: the portal's
 * Postgres (CDC), the PostgREST stand-in in front of it (poll, reconcile), a clinic database, a
 * free HTTP port on the loopback, a bearer secret, and a slot of its own, checked every second.
 */
public final class TestDaemonConfig {

    private TestDaemonConfig() {
    }

    /**
     * @param changes applied last; a null value unsets the key
     */
    public static DaemonConfig of(String clinicJdbcUrl, Path dataDir, PortalPostgres portal, FakePostgrest rest, String restKey,
                                  String secret, String slot, Map<String, String> changes) {
        Map<String, String> values = new HashMap<>();
        values.put("sqlserver.jdbc-url", clinicJdbcUrl);
        values.put("data.dir", dataDir.toString());
        values.put("http.port", "0");
        values.put("http.bind-address", "127.0.0.1");
        values.put("ops.port", "0");
        values.put("webhook.secret", secret);
        values.put("supabase.db-url", portal.dbUrl());
        values.put("supabase.url", rest.supabaseUrl());
        values.put("supabase.service-role-key", restKey);
        values.put("cdc.slot-name", slot);
        values.put("cdc.slot-check-interval-ms", "1000");
        changes.forEach((key, value) -> {
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
        });
        return DaemonConfig.from(new ConfigReader(Settings.of(values)));
    }
}
