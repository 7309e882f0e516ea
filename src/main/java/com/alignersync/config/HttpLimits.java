package com.alignersync.config;

import java.time.Duration;

/**
 * What every HTTP listener holds to: how long it drains on stop, and the limits that keep a
 * flood of slow or idle connections (before any authentication) from starving real webhooks.
 *
 * @param maxConnections     connections accepted at once; past it Jetty stops accepting until one closes
 * @param idleTimeout        a connection (or request stream) idle this long is closed
 * @param minRequestDataRate bytes per second a request body must arrive at (a trickled body is cut off); 0 turns it off
 */
public record HttpLimits(Duration stopTimeout, int maxConnections, Duration idleTimeout, long minRequestDataRate) {

    /** The shipped limits, with a given drain time (tests stop at once). */
    public static HttpLimits defaults(Duration stopTimeout) {
        return new HttpLimits(stopTimeout, 256, Duration.ofSeconds(10), 4_096);
    }

    static HttpLimits from(ConfigReader reader) {
        return new HttpLimits(
                reader.millis(ConfigKeys.HTTP_STOP_TIMEOUT_MS, 0, 600_000),
                reader.intInRange(ConfigKeys.HTTP_MAX_CONNECTIONS, 8, 100_000),
                reader.millis(ConfigKeys.HTTP_IDLE_TIMEOUT_MS, 500, 600_000),
                reader.intInRange(ConfigKeys.HTTP_MIN_REQUEST_DATA_RATE, 0, 100_000_000));
    }
}
