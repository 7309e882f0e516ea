package com.alignersync.source.cdc;

import java.sql.SQLException;

/** Reads the replication slot's health; {@link SlotMonitor} asks Postgres. */
@FunctionalInterface
interface SlotReader {

    SlotHealth check() throws SQLException;
}
