package com.alignersync.config;

import java.time.Duration;

/**
 * Where the HTTP server (webhook, status, health, metrics) listens, how long it drains on stop,
 * and the limits that keep a flood of slow or idle connections (before any authentication) from
 * starving real webhooks.
 *
 * @param maxConnections     connections accepted at once; past it Jetty stops accepting until one closes
 * @param idleTimeout        a connection (or request stream) idle this long is closed
 * @param minRequestDataRate bytes per second a request body must arrive at (a trickled body is cut off); 0 turns it off
 */
public record HttpServerConfig(String bindAddress, int port, Duration stopTimeout, int maxConnections, Duration idleTimeout,
                               long minRequestDataRate) {

    public HttpServerConfig(String bindAddress, int port, Duration stopTimeout) {
        this(bindAddress, port, stopTimeout, 256, Duration.ofSeconds(10), 4_096);
    }

    public static HttpServerConfig from(ConfigReader reader) {
        String bind = reader.string(ConfigKeys.HTTP_BIND_ADDRESS);
        if (bind == null || bind.isBlank() || bind.chars().anyMatch(Character::isWhitespace)) {
            reader.problem(ConfigKeys.HTTP_BIND_ADDRESS.label() + " is '" + bind + "': expected an address such as 0.0.0.0 or 127.0.0.1");
        }
        return new HttpServerConfig(
                bind,
                // 0 picks a free port, which tests use.
                reader.intInRange(ConfigKeys.PORT, 0, 65_535),
                reader.millis(ConfigKeys.HTTP_STOP_TIMEOUT_MS, 0, 600_000),
                reader.intInRange(ConfigKeys.HTTP_MAX_CONNECTIONS, 8, 100_000),
                reader.millis(ConfigKeys.HTTP_IDLE_TIMEOUT_MS, 500, 600_000),
                reader.intInRange(ConfigKeys.HTTP_MIN_REQUEST_DATA_RATE, 0, 100_000_000));
    }
}
