package com.alignersync.source.cdc;

import com.alignersync.state.OffsetFile;
import com.alignersync.state.StoredOffsets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the stored position with the slot before each engine start.
 *
 * <p>Debezium's {@code no_data} mode starts a connector without offsets at the server's
 * current WAL position, which would skip every change the slot still holds (made while the
 * daemon was stopped before its first commit): so an existing slot's confirmed position
 * becomes the start. A stored position whose slot has gone makes Debezium refuse to start; it
 * is moved aside (kept for the operator) and a new slot starts from now, while the alarm's
 * poll catch-up covers the gap.
 */
final class StartPosition {

    private static final Logger log = LoggerFactory.getLogger(StartPosition.class);
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final OffsetFile offsetFile;
    private final Clock clock;

    StartPosition(OffsetFile offsetFile, Clock clock) {
        this.offsetFile = offsetFile;
        this.clock = clock;
    }

    /** @param health the slot as read just now, or null when Postgres could not be asked (then nothing changes) */
    void reconcile(StoredOffsets stored, SlotHealth health) throws IOException {
        if (health == null) {
            return;
        }
        if (!health.exists() && !stored.isEmpty()) {
            Path aside = offsetFile.archive("orphaned-" + SUFFIX.format(clock.instant()));
            log.error("cdc: the stored position has no slot any more; moved {} to {} and starting with a new slot", offsetFile.path(), aside);
        } else if (health.exists() && !health.lost() && stored.isEmpty() && health.confirmedFlushLsn() != null) {
            offsetFile.write(seed(StoredOffsets.parseLsn(health.confirmedFlushLsn())), clock);
            log.info("cdc: no stored position; resuming from slot {}'s confirmed position {}", health.slotName(), health.confirmedFlushLsn());
        }
    }

    /** An offset in Debezium's Postgres form holding only the LSN: the engine streams everything the slot sends from there. */
    static StoredOffsets seed(long lsn) {
        ObjectMapper json = new ObjectMapper();
        ArrayNode key = json.createArrayNode();
        key.add(DebeziumProperties.ENGINE_NAME);
        key.addObject().put("server", DebeziumProperties.TOPIC_PREFIX);
        ObjectNode value = json.createObjectNode();
        value.put("lsn", lsn);
        return new StoredOffsets(List.of(new StoredOffsets.Entry(key, value)));
    }
}
