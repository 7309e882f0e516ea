package com.alignersync.cli;

import com.alignersync.app.ExitCodes;

import com.alignersync.config.ConfigException;
import com.alignersync.config.ConfigReader;
import com.alignersync.config.SqlServerConfig;
import com.alignersync.sink.ClinicDatabase;
import com.alignersync.sink.LedgerSql;
import com.alignersync.sink.SqlDialect;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Creates the daemon's own ledger table; the clinic's tables are never touched. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create the ledger table dbo.AlignerSyncLedger in the clinic database (idempotent).",
                "The daemon never creates it silently; with --print, only print the DDL for a DBA."})
final class InitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--print", description = "Print the DDL for SQL Server instead of running it")
    boolean print;

    @Option(names = "--dialect", description = "With --print: sql_server (default) or h2")
    SqlDialect dialect = SqlDialect.SQL_SERVER;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (print) {
            for (String ddl : new LedgerSql(dialect).ddl()) {
                out.println(ddl + (dialect == SqlDialect.SQL_SERVER ? "\nGO" : ";"));
            }
            return 0;
        }
        SqlServerConfig sqlServer;
        try {
            ConfigReader reader = config.reader();
            sqlServer = SqlServerConfig.from(reader);
            reader.throwIfProblems();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        try (ClinicDatabase database = ClinicDatabase.open(sqlServer)) {
            database.initLedger();
            out.println("Ledger table " + LedgerSql.TABLE + " is in place (" + database.dialect().name().toLowerCase() + ").");
            return 0;
        } catch (SQLException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("init failed: SQLState " + e.getSQLState() + ": " + e.getMessage()
                    + (root != e ? " (cause: " + root.getMessage() + ")" : ""));
            return ExitCodes.SINK;
        }
    }
}
