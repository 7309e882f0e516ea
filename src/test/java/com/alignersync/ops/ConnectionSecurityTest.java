package com.alignersync.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alignersync.config.PostgresUrl;
import org.junit.jupiter.api.Test;

/** check says when a connection carrying notes does not verify the server's certificate (DESIGN.md section 11). */
class ConnectionSecurityTest {

    @Test
    void sqlServerWithoutCertificateVerificationIsAWarningNamingTheFix() {
        CheckResult trusted = ConnectionSecurity.sqlServer("jdbc:sqlserver://clinic:1433;databaseName=Clinic;encrypt=true;trustServerCertificate=true");
        assertEquals(CheckResult.Status.WARN, trusted.status());
        assertTrue(trusted.detail().contains("trust store"), trusted.detail());
        assertEquals(CheckResult.Status.WARN, ConnectionSecurity.sqlServer("jdbc:sqlserver://clinic;encrypt=false").status());
        assertEquals(CheckResult.Status.OK, ConnectionSecurity.sqlServer("jdbc:sqlserver://clinic:1433;databaseName=Clinic;encrypt=true").status());
        assertEquals(CheckResult.Status.OK, ConnectionSecurity.sqlServer("jdbc:h2:mem:clinic;MODE=MSSQLServer").status());
    }

    @Test
    void aPortalReachedWithoutVerifyFullIsAWarningUnlessItIsThisMachine() {
        CheckResult require = ConnectionSecurity.postgres(new PostgresUrl("db.abc.supabase.co", 5432, "postgres", "postgres", "x", "require"));
        assertEquals(CheckResult.Status.WARN, require.status());
        assertTrue(require.detail().contains("verify-full"), require.detail());
        assertEquals(CheckResult.Status.OK,
                ConnectionSecurity.postgres(new PostgresUrl("db.abc.supabase.co", 5432, "postgres", "postgres", "x", "verify-full")).status());
        assertEquals(CheckResult.Status.OK, ConnectionSecurity.postgres(new PostgresUrl("localhost", 5432, "postgres", "postgres", "x", null)).status());
    }
}
