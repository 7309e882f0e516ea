package com.alignersync.portal;

import com.alignersync.event.SourceTable;
import com.alignersync.portal.PostgrestClient;
import com.alignersync.portal.PostgrestException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the portal through PostgREST with the poller's client and key: every key of a table,
 * keyset-paged ({@code key > last order by key}, so a page costs an index range read however
 * large the table, and rows inserted or deleted meanwhile never shift the pages), which of
 * some keys exist now, and whole rows in key order for verify.
 */
public final class PortalReader {

    /** Keys per {@code in.(...)} re-check; keeps the URL far below any proxy's limit. */
    static final int RECHECK_CHUNK = 200;

    private final PostgrestClient client;
    private final int pageSize;

    /** @param pageSize rows asked for per request ({@code poll.page-size}); Supabase caps at 1,000 whatever this says */
    public PortalReader(PostgrestClient client, int pageSize) {
        this.client = client;
        this.pageSize = pageSize;
    }

    /**
     * A table's keys as the portal listed them.
     *
     * @param keys        ascending
     * @param portalCount PostgREST's own count of the table's rows, asked with the first page (null when it gave none);
     *                    it sees what the key sees, so a key blinded by row-level security counts 0
     */
    public record KeyListing(long[] keys, Long portalCount) {
    }

    /**
     * The keys of a re-check and the portal's clock when it answered.
     *
     * @param portalTime the {@code Date} of the last answer (null when none was given or nothing was asked):
     *                   the portal was seen without the other keys by then
     */
    public record Recheck(Set<Long> present, Instant portalTime) {

        /**
         * By when, on the portal's clock, the keys not present were gone: the end of the second its
         * {@code Date} names (the header has whole seconds, and the answer was made within that second,
         * so every edit made before a delete it reflects is dated earlier); null without a {@code Date}.
         */
        public Instant goneBy() {
            return portalTime == null ? null : portalTime.plusSeconds(1).minus(1, ChronoUnit.MICROS);
        }
    }

    /** Every key of the table, ascending. Pages until one comes back empty, so a server cap below the page size is harmless. */
    public long[] keys(SourceTable table) throws PostgrestException {
        return list(table, false).keys();
    }

    /** As {@link #keys}, with PostgREST's count of the table asked on the first page: what the delete guard weighs. */
    public KeyListing listKeys(SourceTable table) throws PostgrestException {
        return list(table, true);
    }

    private KeyListing list(SourceTable table, boolean count) throws PostgrestException {
        String key = table.keyColumn();
        long[] keys = new long[1024];
        int size = 0;
        Long after = null;
        Long portalCount = null;
        while (true) {
            String query = "select=" + key + (after == null ? "" : "&" + key + "=gt." + after) + "&order=" + key + ".asc&limit=" + pageSize;
            JsonNode rows;
            if (count && after == null) {
                PostgrestClient.Response first = client.fetchCounted(table.tableName(), query);
                rows = first.rows();
                portalCount = first.total();
            } else {
                rows = client.get(table.tableName(), query);
            }
            if (rows.isEmpty()) {
                break;
            }
            for (JsonNode row : rows) {
                if (size == keys.length) {
                    keys = Arrays.copyOf(keys, size * 2);
                }
                keys[size++] = keyOf(table, row);
            }
            after = keys[size - 1];
        }
        long[] result = Arrays.copyOf(keys, size);
        // PostgREST returns them ordered; sorting again costs little and makes the merge independent of that.
        Arrays.sort(result);
        return new KeyListing(result, portalCount);
    }

    /** Which of these keys the portal has right now, and when the portal said so by its own clock. */
    public Recheck present(SourceTable table, Collection<Long> keys) throws PostgrestException {
        Set<Long> present = new HashSet<>();
        Instant portalTime = null;
        List<Long> all = new ArrayList<>(keys);
        String key = table.keyColumn();
        for (int from = 0; from < all.size(); from += RECHECK_CHUNK) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + RECHECK_CHUNK));
            String list = chunk.stream().map(String::valueOf).collect(Collectors.joining(","));
            PostgrestClient.Response answer = client.fetch(table.tableName(), "select=" + key + "&" + key + "=in.(" + list + ")");
            for (JsonNode row : answer.rows()) {
                present.add(keyOf(table, row));
            }
            if (answer.serverTime() != null && (portalTime == null || answer.serverTime().isAfter(portalTime))) {
                portalTime = answer.serverTime();
            }
        }
        return new Recheck(present, portalTime);
    }

    /**
     * Up to a page of whole rows with a key greater than {@code after} (null: from the start), ascending.
     *
     * @param filter an extra PostgREST filter such as {@code note_type=eq.Doctor}, or null
     */
    public JsonNode rowsAfter(SourceTable table, Long after, String filter) throws PostgrestException {
        return client.get(table.tableName(), rowsQuery(table, after, filter));
    }

    /** The first page of {@link #rowsAfter}, with PostgREST's count of every row the filter matches ({@link PostgrestClient.Response#total}). */
    public PostgrestClient.Response firstRowsCounted(SourceTable table, String filter) throws PostgrestException {
        return client.fetchCounted(table.tableName(), rowsQuery(table, null, filter));
    }

    private String rowsQuery(SourceTable table, Long after, String filter) {
        String key = table.keyColumn();
        return "select=*" + (filter == null ? "" : "&" + filter) + (after == null ? "" : "&" + key + "=gt." + after)
                + "&order=" + key + ".asc&limit=" + pageSize;
    }

    public static long keyOf(SourceTable table, JsonNode row) throws PostgrestException {
        JsonNode value = row.get(table.keyColumn());
        if (value == null || !value.isIntegralNumber()) {
            throw new PostgrestException(200, null, table.tableName() + " returned a row without an integer " + table.keyColumn(),
                    null, null, null);
        }
        return value.asLong();
    }
}
