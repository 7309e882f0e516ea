package com.alignersync.source.poll;

import com.alignersync.event.ChangeEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of PostgREST rows as the poll uses it.
 *
 * @param events  the rows that became changes, in keyset order
 * @param invalid the rows that can never apply, to be parked as raw dead letters
 * @param placed  the keyset positions of the rows whose cursor column could be read
 * @param last    the last of them (null when none): where a committed page may move the cursor
 */
record PolledPage(List<ChangeEvent> events, List<InvalidRow> invalid, List<KeysetCursor> placed, KeysetCursor last) {

    /** @param position null when the row's cursor column cannot be read, so no cursor can pass it */
    record InvalidRow(KeysetCursor position, String reason, JsonNode row) {
    }
}
