package com.alignersync.source.poll;

import com.alignersync.event.ChangeEvent;
import com.alignersync.event.ChangeEvents;
import com.alignersync.event.ColumnType;
import com.alignersync.event.Input;
import com.alignersync.event.InvalidChangeException;
import com.alignersync.event.JsonRows;
import com.alignersync.event.Op;
import com.alignersync.portal.PostgrestException;
import com.alignersync.source.poll.PolledPage.InvalidRow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the JSON rows of a PostgREST page into change events and keyset positions. A row that
 * can never apply is set aside with its reason rather than stopping the read: the cursor passes it.
 */
final class RowMapper {

    private static final Logger log = LoggerFactory.getLogger(RowMapper.class);

    private RowMapper() {
    }

    static PolledPage map(CursorStream stream, JsonNode rows) throws PostgrestException {
        List<ChangeEvent> events = new ArrayList<>(rows.size());
        List<InvalidRow> invalid = new ArrayList<>();
        List<KeysetCursor> placed = new ArrayList<>(rows.size());
        KeysetCursor last = null;
        for (JsonNode row : rows) {
            KeysetCursor position = positionOf(stream, row);
            if (position == null) {
                log.warn("poll {}: row {}={} has a {} that cannot be read as a timestamp ({}); parking it as a dead letter,"
                        + " the cursor passes it", stream.name(), stream.keyColumn(), row.get(stream.keyColumn()), stream.tsColumn(),
                        row.get(stream.tsColumn()));
                invalid.add(new InvalidRow(null, "REST row of " + stream.table().tableName() + " has an unreadable "
                        + stream.tsColumn() + " (" + row.get(stream.tsColumn()) + "): it cannot be placed in the poll order", row));
                continue;
            }
            placed.add(position);
            last = position;
            try {
                if (!(row instanceof ObjectNode object)) {
                    throw new InvalidChangeException("row", "is not a JSON object");
                }
                // Walks the tree directly: convertValue gave the same map through a token buffer, a fifth of this loop.
                events.add(ChangeEvents.of(Input.POLL, stream.table(), Op.READ, null, JsonRows.toMap(object)));
            } catch (InvalidChangeException e) {
                log.warn("poll {}: row {} can never apply ({}); parking it as a dead letter, the cursor passes it",
                        stream.name(), position, e.getMessage());
                invalid.add(new InvalidRow(position, "REST row of " + stream.table().tableName() + " is invalid: " + e.getMessage(), row));
            }
        }
        return new PolledPage(events, invalid, placed, last);
    }

    /**
     * A row's place in the keyset, or null when its timestamp cannot be read (Postgres'
     * {@code infinity}, a year past 9999): such a row is parked, not a reason to stop. PostgREST
     * orders by these columns, so they are always present; a row without its key or timestamp is
     * a server we do not understand, not a bad row to skip.
     */
    static KeysetCursor positionOf(CursorStream stream, JsonNode row) throws PostgrestException {
        JsonNode ts = row.get(stream.tsColumn());
        JsonNode key = row.get(stream.keyColumn());
        if (ts != null && ts.isTextual() && key != null && key.canConvertToLong() && key.isIntegralNumber()) {
            try {
                return new KeysetCursor((Instant) ColumnType.TIMESTAMP.canonical(ts.asText()), key.asLong());
            } catch (IllegalArgumentException | DateTimeException e) {
                return null;
            }
        }
        throw new PostgrestException(200, null, stream.table().tableName() + " returned a row without a usable " + stream.tsColumn()
                + " or " + stream.keyColumn() + "; the poll cannot place it in the keyset order", null, null, null);
    }
}
