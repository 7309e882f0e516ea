package com.alignersync.source.poll.support;

import com.alignersync.support.PortalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * For tests of the poll input: one real portal Postgres per test class behind the PostgREST
 * stand-in (key {@link PollFixture#KEY}), the portal tables emptied and the stand-in's cap,
 * faults and request log reset before each test. The stand-in's answers carry a {@code Date} header
 * from the real clock, which stands for the portal's clock.
 */
public abstract class PortalBehindRest {

    protected static PortalPostgres portal;
    protected static FakePostgrest rest;

    @BeforeAll
    static void startPortalBehindRest() throws Exception {
        portal = PortalPostgres.start();
        rest = FakePostgrest.start(portal.dataSource(), PollFixture.KEY);
    }

    @AfterAll
    static void stopPortalBehindRest() throws Exception {
        rest.close();
        portal.close();
    }

    @BeforeEach
    void emptyPortalAndResetRest() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        rest.maxRows(1000);
        rest.clearRequests();
        rest.clearFaults();
        rest.hideRows(false);
    }
}
