package com.alignersync.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger's columns are defined once: the DDL a DBA runs, the probe and the rights come from the same list. */
class LedgerSqlTest {

    @Test
    void sqlServerLedgerDdlIsTheReviewedTextCreateThenOneIdempotentUpgradePerLaterColumn() {
        assertEquals(List.of("""
                        IF OBJECT_ID(N'dbo.AlignerSyncLedger', N'U') IS NULL
                        CREATE TABLE dbo.AlignerSyncLedger (
                          SourceTable    varchar(64) NOT NULL,
                          SourceKey      bigint      NOT NULL,
                          AppliedVersion bigint      NOT NULL, -- source version in epoch microseconds, exact
                          ContentHash    char(64)    NOT NULL,
                          IsTombstone    bit         NOT NULL,
                          AppliedBy      varchar(16) NOT NULL,
                          AppliedAt      datetime2(6) NOT NULL,
                          CONSTRAINT PK_AlignerSyncLedger PRIMARY KEY (SourceTable, SourceKey)
                        )""",
                "IF COL_LENGTH(N'dbo.AlignerSyncLedger', N'AppliedLsn') IS NULL ALTER TABLE dbo.AlignerSyncLedger ADD AppliedLsn bigint NULL",
                "IF COL_LENGTH(N'dbo.AlignerSyncLedger', N'WrittenAt') IS NULL ALTER TABLE dbo.AlignerSyncLedger ADD WrittenAt bigint NULL",
                "IF COL_LENGTH(N'dbo.AlignerSyncLedger', N'EchoHash') IS NULL ALTER TABLE dbo.AlignerSyncLedger ADD EchoHash char(64) NULL",
                "IF COL_LENGTH(N'dbo.AlignerSyncLedger', N'EchoUntil') IS NULL ALTER TABLE dbo.AlignerSyncLedger ADD EchoUntil bigint NULL"),
                new LedgerSql(SqlDialect.SQL_SERVER).ddl());
    }

    @Test
    void h2LedgerDdlDiffersOnlyWhereH2Does() {
        List<String> ddl = new LedgerSql(SqlDialect.H2).ddl();
        assertEquals("CREATE SCHEMA IF NOT EXISTS dbo", ddl.get(0));
        assertEquals(new LedgerSql(SqlDialect.SQL_SERVER).ddl().get(0)
                        .replace("IF OBJECT_ID(N'dbo.AlignerSyncLedger', N'U') IS NULL\nCREATE TABLE", "CREATE TABLE IF NOT EXISTS")
                        .replace("datetime2(6)", "timestamp with time zone"),
                ddl.get(1));
        assertEquals(6, ddl.size());
    }

    @Test
    void theReadinessProbeReadsEveryColumnAddedAfterTheFirstRelease() {
        assertEquals("SELECT COUNT(AppliedLsn), COUNT(WrittenAt), COUNT(EchoHash), COUNT(EchoUntil) FROM dbo.AlignerSyncLedger WHERE 1 = 0",
                LedgerSql.PROBE);
        assertEquals("SourceTable, SourceKey, AppliedVersion, ContentHash, IsTombstone, AppliedBy, AppliedAt", LedgerSql.FIRST_RELEASE_COLUMNS);
    }
}
