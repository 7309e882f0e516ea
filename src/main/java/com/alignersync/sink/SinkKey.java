package com.alignersync.sink;

import com.alignersync.event.SourceTable;
import java.util.Comparator;

/** One source key as the sink groups, locks and counts it. */
record SinkKey(SourceTable table, long key) {

    /** One global order, so that concurrent transactions lock keys alike. */
    static final Comparator<SinkKey> ORDER = Comparator.comparing(SinkKey::table).thenComparingLong(SinkKey::key);

    @Override
    public String toString() {
        return table.tableName() + "#" + key;
    }
}
