package com.alignersync.ops;

import com.alignersync.config.PostgresUrl;
import java.util.Locale;
import java.util.Set;

/**
 * Whether the connections to SQL Server and the portal verify the server's certificate: notes
 * are patient data, and an encrypted connection to a server nobody checked is open to whoever
 * sits in between. What {@code check} says about it (docs/security.md).
 */
final class ConnectionSecurity {

    static final String SQL_SERVER = "sql server certificate";
    static final String POSTGRES = "postgres certificate";

    private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    private ConnectionSecurity() {
    }

    static CheckResult sqlServer(String jdbcUrl) {
        String url = jdbcUrl.toLowerCase(Locale.ROOT);
        if (!url.startsWith("jdbc:sqlserver:")) {
            return CheckResult.ok(SQL_SERVER, "not SQL Server (the embedded or a test database): nothing to verify");
        }
        if (url.contains("encrypt=false")) {
            return CheckResult.warn(SQL_SERVER, "encrypt=false: notes travel to SQL Server in clear text; set encrypt=true and let the"
                    + " driver verify the server's certificate");
        }
        if (url.contains("trustservercertificate=true")) {
            return CheckResult.warn(SQL_SERVER, "trustServerCertificate=true: encrypted, but the server's certificate is not verified;"
                    + " import it into the JVM's trust store (or set trustStore=...) and drop trustServerCertificate");
        }
        return CheckResult.ok(SQL_SERVER, "encrypted and the certificate verified (mssql-jdbc's default with encrypt=true)");
    }

    static CheckResult postgres(PostgresUrl db) {
        String mode = db.sslMode() == null ? "prefer" : db.sslMode().toLowerCase(Locale.ROOT);
        if (mode.equals("verify-full") || mode.equals("verify-ca")) {
            return CheckResult.ok(POSTGRES, "sslmode=" + mode + ": the portal's certificate is verified");
        }
        if (LOCAL.contains(db.host())) {
            return CheckResult.ok(POSTGRES, "sslmode=" + mode + " on this machine (" + db.host() + "): nothing travels the network");
        }
        return CheckResult.warn(POSTGRES, "sslmode=" + mode + ": " + (mode.equals("require") ? "encrypted, but" : "maybe not even encrypted, and")
                + " the portal's certificate is not verified; use sslmode=verify-full with Supabase's root certificate"
                + " (sslrootcert=..., from the project's database settings)");
    }
}
