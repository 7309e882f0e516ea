package com.alignersync.sink;

import com.alignersync.event.ChangeEvents;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The clinic's columns are {@code datetime}: SQL Server keeps 1/300 s ticks, so a value read
 * back never equals the portal's microseconds. Comparing at tick precision is what lets the
 * sink see "nothing changed" and skip a write that would echo back through the clinic's triggers.
 */
final class ClinicDatetime {

    private final ZoneId zone;

    ClinicDatetime(ZoneId zone) {
        this.zone = zone;
    }

    LocalDateTime toColumn(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, zone);
    }

    Instant fromColumn(LocalDateTime value) {
        return value == null ? null : value.atZone(zone).toInstant();
    }

    static boolean sameDatetime(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == b;
        }
        return ticks(a) == ticks(b);
    }

    private static long ticks(Instant instant) {
        return Math.round(ChangeEvents.toMicros(instant) * 300.0 / 1_000_000.0);
    }
}
