package com.alignersync.event;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;

/**
 * The source column types the daemon understands, and how a raw value from any input
 * (JSON from a webhook or PostgREST, Java values from Debezium) becomes one canonical
 * Java value: {@code Long}, {@code String}, {@code Boolean}, {@code Instant} (microsecond
 * precision) or {@code LocalDate}. Canonical values are what make a webhook copy and a CDC
 * copy of the same change hash alike.
 */
public enum ColumnType {
    INTEGER("an integer"),
    TEXT("a string"),
    BOOLEAN("a boolean"),
    /** timestamptz: ISO-8601 text with or without offset (no offset means UTC), or epoch microseconds. */
    TIMESTAMP("a timestamp"),
    /** date: ISO text, or days since the epoch (Debezium's io.debezium.time.Date). */
    DATE("a date");

    // Postgres and PostgREST print "2026-11-20 09:14:03.512844+00", "...T...+00:00" or "...Z".
    private static final DateTimeFormatter TIMESTAMP_TEXT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .toFormatter();

    private final String description;

    ColumnType(String description) {
        this.description = description;
    }

    /**
     * @return the canonical value, or null for null
     * @throws IllegalArgumentException naming what was expected, when the value has the wrong type
     */
    public Object canonical(Object raw) {
        if (raw == null) {
            return null;
        }
        return switch (this) {
            case INTEGER -> toLong(raw);
            case TEXT -> {
                if (raw instanceof String s) {
                    yield s;
                }
                throw wrongType(raw);
            }
            case BOOLEAN -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                throw wrongType(raw);
            }
            case TIMESTAMP -> toInstant(raw);
            case DATE -> toDate(raw);
        };
    }

    private Long toLong(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        if (raw instanceof BigDecimal dec) {
            try {
                return dec.longValueExact();
            } catch (ArithmeticException e) {
                throw wrongType(raw);
            }
        }
        if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                return (long) d;
            }
        }
        throw wrongType(raw);
    }

    private Instant toInstant(Object raw) {
        if (raw instanceof Instant i) {
            return i.truncatedTo(ChronoUnit.MICROS);
        }
        if (raw instanceof OffsetDateTime odt) {
            return odt.toInstant().truncatedTo(ChronoUnit.MICROS);
        }
        if (raw instanceof Long micros) {
            return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        }
        if (raw instanceof String s) {
            Instant fast = isoInstant(s);
            if (fast != null) {
                return fast;
            }
            try {
                TemporalAccessor parsed = TIMESTAMP_TEXT.parseBest(s.trim(), OffsetDateTime::from, LocalDateTime::from);
                Instant instant = parsed instanceof OffsetDateTime odt
                        ? odt.toInstant()
                        : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
                return instant.truncatedTo(ChronoUnit.MICROS);
            } catch (DateTimeParseException e) {
                throw wrongType(raw);
            }
        }
        throw wrongType(raw);
    }

    /**
     * The shapes every input actually sends ({@code 2026-11-20T09:14:03.512844+00:00}, {@code ...Z},
     * {@code 2026-11-20 09:14:03.512844+00}, no offset meaning UTC), read by hand: the
     * {@code DateTimeFormatter} was a third of the webhook body's parsing in a JFR profile. Anything
     * else, or anything out of range, returns null and goes to the formatter, which stays the
     * definition of what is accepted.
     */
    static Instant isoInstant(String text) {
        String s = text.trim();
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        char separator = s.charAt(10);
        if (separator != 'T' && separator != 't' && separator != ' ') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n) {
            offsetSeconds = 0;
        } else if (i + 1 == n && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            offsetSeconds = 0;
        } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && (i + 3 == n || (i + 6 == n && s.charAt(i + 3) == ':'))) {
            int hours = digits(s, i + 1, 2);
            int minutes = i + 3 == n ? 0 : digits(s, i + 4, 2);
            if ((hours | minutes) < 0 || hours > 18 || minutes > 59) {
                return null;
            }
            offsetSeconds = (s.charAt(i) == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        } else {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos - nanos % 1000)
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** @return the non-negative number written by {@code count} ASCII digits at {@code from}, or -1 */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private LocalDate toDate(Object raw) {
        if (raw instanceof LocalDate d) {
            return d;
        }
        if (raw instanceof Integer days) {
            return LocalDate.ofEpochDay(days);
        }
        if (raw instanceof String s) {
            try {
                return LocalDate.parse(s.trim());
            } catch (DateTimeParseException e) {
                throw wrongType(raw);
            }
        }
        throw wrongType(raw);
    }

    /**
     * Names what came, never its value: these messages reach logs, status and webhook answers,
     * and a value in the wrong column may be note text. The dead-letter file keeps the raw row.
     */
    private IllegalArgumentException wrongType(Object raw) {
        return new IllegalArgumentException("expected " + description + ", got " + kindOf(raw));
    }

    /** What kind of JSON value {@code raw} is ("a string", "an array", ...), never the value: it may be note text. */
    public static String kindOf(Object raw) {
        if (raw == null) {
            return "null";
        }
        if (raw instanceof CharSequence) {
            return "a string";
        }
        if (raw instanceof Number) {
            return "a number";
        }
        if (raw instanceof Boolean) {
            return "a boolean";
        }
        if (raw instanceof java.util.Collection<?>) {
            return "an array";
        }
        if (raw instanceof java.util.Map<?, ?>) {
            return "an object";
        }
        return "a " + raw.getClass().getSimpleName();
    }
}
