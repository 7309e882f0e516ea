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

    private IllegalArgumentException wrongType(Object raw) {
        String shown = raw instanceof String s ? '"' + abbreviate(s) + '"' : raw + " (" + raw.getClass().getSimpleName() + ")";
        return new IllegalArgumentException("expected " + description + ", got " + shown);
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }
}
