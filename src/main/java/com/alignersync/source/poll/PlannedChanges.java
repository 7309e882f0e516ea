package com.alignersync.source.poll;

import com.alignersync.event.ChangeEvent;
import com.alignersync.source.poll.PollSummary.PlannedChange;
import java.util.ArrayList;
import java.util.List;

/** What a dry run found the sink would apply: every one counted, the first {@link PollSummary#PLANNED_LIMIT} listed. */
final class PlannedChanges {

    private final List<PlannedChange> listed = new ArrayList<>();
    private int total;

    void add(ChangeEvent event) {
        if (listed.size() < PollSummary.PLANNED_LIMIT) {
            listed.add(new PlannedChange(event.table().tableName(), event.key(), event.version(), "apply"));
        }
        total++;
    }

    List<PlannedChange> listed() {
        return listed;
    }

    int total() {
        return total;
    }
}
