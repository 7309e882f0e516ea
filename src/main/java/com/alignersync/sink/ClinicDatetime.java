package com.alignersync.sink;

import com.alignersync.event.ChangeEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The clinic's columns are {@code datetime}: SQL Server keeps 1/300 s ticks, so a value read
 * back never equals the portal's microseconds. {@link #sameDatetime} is the one meaning of
 * "the clinic holds the portal's datetime": the writer skips a write by it (a write that changes
 * nothing would echo back through the clinic's triggers) and verify reports drift by it, so
 * verify never calls a note equal that the writer would write, nor the reverse.
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

    /**
     * Whether writing one of these datetimes over the other would leave the column as it is: the
     * same 1/300 s tick of SQL Server's {@code datetime} (which reads back as .000, .003 or .007),
     * or, for a column that keeps milliseconds (H2's {@code datetime}, the embedded target, rounds
     * to them), less than a millisecond apart. The second never joins two SQL Server values:
     * every tick's rounding interval reaches more than a millisecond either side of the value it
     * reads back as. Being less than one tick apart is not enough: .000 and .003 are two ticks.
     */
    static boolean sameDatetime(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == b;
        }
        return ticks(a) == ticks(b) || Math.abs(Duration.between(a, b).toNanos()) < ONE_MILLISECOND_NANOS;
    }

    private static final long ONE_MILLISECOND_NANOS = 1_000_000L;

    /** The nearest 1/300 s tick, half up as SQL Server rounds; in whole numbers, as a double loses the half at today's epoch. */
    private static long ticks(Instant instant) {
        return Math.floorDiv(ChangeEvents.toMicros(instant) * 3 + 5_000, 10_000);
    }
}
