package com.alignersync.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a raw row from any input becomes a {@link ChangeEvent}: values are checked against
 * {@link SourceTable#columns()} and made canonical, and key, version and content hash are
 * derived here and nowhere else, so every input agrees on them.
 */
public final class ChangeEvents {

    /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up on every call (seen in JFR on the webhook path). */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    private static final HexFormat HEX = HexFormat.of();

    private static final String TOMBSTONE_HASH = sha256("tombstone");

    /**
     * The timestamps accepted, in UTC: the years Postgres prints with four digits and SQL Server's
     * datetime2 holds. Far outside it versions overflow (a fuzzed body with the year 999999999
     * ended in a 500), and nothing a portal stores is there.
     */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private ChangeEvents() {
    }

    /**
     * @param rawBefore the old row (may be null or hold only the key)
     * @param rawAfter  the new row (null exactly for a delete)
     * @throws InvalidChangeException naming the field ({@code before.x} / {@code after.x}) at fault
     */
    public static ChangeEvent of(Input input, SourceTable table, Op op, Map<String, ?> rawBefore, Map<String, ?> rawAfter) {
        Row before = rawBefore == null ? null : canonicalRow(table, rawBefore, "before", false);
        Row after = null;
        if (op == Op.DELETE) {
            if (before == null) {
                throw new InvalidChangeException("before", "a delete must carry the old row (at least " + table.keyColumn() + ")");
            }
        } else {
            if (rawAfter == null) {
                throw new InvalidChangeException("after", "a " + op.name().toLowerCase() + " must carry the new row");
            }
            after = canonicalRow(table, rawAfter, "after", true);
        }
        Row keyed = op == Op.DELETE ? before : after;
        Long key = keyed.integer(table.keyColumn());
        if (key == null) {
            throw new InvalidChangeException((op == Op.DELETE ? "before." : "after.") + table.keyColumn(), "the key is missing");
        }
        if (before != null && before.integer(table.keyColumn()) != null && !before.integer(table.keyColumn()).equals(key)) {
            throw new InvalidChangeException("before." + table.keyColumn(), "differs from the new row's key " + key + " (key changes are not supported)");
        }
        long version;
        String hash;
        if (op == Op.DELETE) {
            Long oldVersion = rowVersion(table, before);
            version = oldVersion == null ? ChangeEvent.UNKNOWN_VERSION : oldVersion + 1;
            hash = TOMBSTONE_HASH;
        } else {
            Long v = rowVersion(table, after);
            if (v == null) {
                throw new InvalidChangeException("after.updated_at", "no version: the row has no updated_at (nor created_at)");
            }
            version = v;
            hash = contentHash(table, after);
        }
        return new ChangeEvent(input, table, op, key, before, after, version, hash, null);
    }

    /**
     * The stamps of every synced field of a row (when and by whom each last changed), or null
     * when the row lacks any of them: a portal not yet set up by this release's script, or a row
     * no change has stamped since. Without stamps the sink applies by version alone.
     */
    public static java.util.List<FieldStamp> stamps(SourceTable table, Row row) {
        if (row == null) {
            return null;
        }
        java.util.List<FieldStamp> stamps = new java.util.ArrayList<>(table.syncedFields().size());
        for (SyncedField field : table.syncedFields()) {
            Instant at = row.timestamp(field.changedAt());
            String by = row.text(field.changedBy());
            if (at == null || by == null) {
                return null;
            }
            stamps.add(new FieldStamp(field, toMicros(at), Origin.of(by)));
        }
        return stamps;
    }

    /** The version of a row: updated_at, else for notes coalesce(edited_at, created_at); null if none. */
    public static Long rowVersion(SourceTable table, Row row) {
        Instant ts = row.timestamp("updated_at");
        if (ts == null && table == SourceTable.ALIGNER_NOTES) {
            ts = row.timestamp("edited_at") != null ? row.timestamp("edited_at") : row.timestamp("created_at");
        }
        return ts == null ? null : toMicros(ts);
    }

    /**
     * Microseconds since the epoch, truncated toward zero. Not {@code ChronoUnit.MICROS.between}:
     * that counts nanoseconds first and overflows a long outside the years 1677 to 2262.
     *
     * @throws ArithmeticException beyond about 292,000 years from 1970 (never within {@link #EARLIEST}..{@link #LATEST})
     */
    public static long toMicros(Instant instant) {
        long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
        // getNano counts forward from a negative second: truncating toward zero, as MICROS.between did, rounds up there.
        return instant.getEpochSecond() < 0 && instant.getNano() % 1000 != 0 ? micros + 1 : micros;
    }

    public static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    private static Row canonicalRow(SourceTable table, Map<String, ?> raw, String side, boolean full) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Column column : table.columns()) {
            String field = side + "." + column.name();
            if (!raw.containsKey(column.name())) {
                if (full && column.required()) {
                    throw new InvalidChangeException(field, "is missing");
                }
                continue;
            }
            Object value;
            try {
                value = column.type().canonical(raw.get(column.name()));
            } catch (IllegalArgumentException e) {
                throw new InvalidChangeException(field, e.getMessage());
            }
            if (value instanceof Instant instant && (instant.isBefore(EARLIEST) || instant.isAfter(LATEST))) {
                throw InvalidChangeException.outOfRange(field, "is out of range: timestamps must fall in the years 0001 to 9999 (UTC)");
            }
            if (value == null && full && !column.nullable()) {
                throw new InvalidChangeException(field, "must not be null");
            }
            values.put(column.name(), value);
        }
        return new Row(values);
    }

    private static String contentHash(SourceTable table, Row row) {
        StringBuilder canonical = new StringBuilder(128);
        for (String column : table.contentColumns()) {
            Object value = row.get(column);
            canonical.append(column).append('=');
            if (value == null) {
                canonical.append('\u2205');
            } else if (value instanceof Instant instant) {
                canonical.append(toMicros(instant));
            } else {
                canonical.append(value.toString().replace("\\", "\\\\").replace("\u001f", "\\u001f"));
            }
            canonical.append('\u001f');
        }
        return sha256(canonical.toString());
    }

    private static String sha256(String text) {
        MessageDigest digest = SHA_256.get();
        digest.reset();
        return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
