package com.alignersync.cli;

import com.alignersync.reconcile.Verifier;
import java.io.PrintWriter;

/**
 * Verify's progress on one stderr line, rewritten at most twice a second, and only when a
 * person is watching (a console): cron, pipes and logs get the report alone.
 */
final class TerminalProgress implements Verifier.Progress {

    private final PrintWriter err;
    private long lastPrinted;
    private boolean printed;

    /** @param err null: print nothing */
    private TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    static TerminalProgress forConsole(PrintWriter err) {
        return new TerminalProgress(System.console() != null ? err : null);
    }

    @Override
    public void compared(String table, long rows) {
        if (err == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrinted < 500_000_000L) {
            return;
        }
        lastPrinted = now;
        printed = true;
        err.printf("\rverify: %s %,d rows compared   ", table, rows);
        err.flush();
    }

    void clear() {
        if (printed) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
    }
}
