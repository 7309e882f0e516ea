package com.alignersync.config;

import java.time.Duration;

/** Where the HTTP server (webhook, status, health, metrics) listens and how long it drains on stop. */
public record HttpServerConfig(String bindAddress, int port, Duration stopTimeout) {

    public static HttpServerConfig from(ConfigReader reader) {
        String bind = reader.string(ConfigKeys.HTTP_BIND_ADDRESS);
        if (bind == null || bind.isBlank() || bind.chars().anyMatch(Character::isWhitespace)) {
            reader.problem(ConfigKeys.HTTP_BIND_ADDRESS.label() + " is '" + bind + "': expected an address such as 0.0.0.0 or 127.0.0.1");
        }
        return new HttpServerConfig(
                bind,
                // 0 picks a free port, which tests use.
                reader.intInRange(ConfigKeys.PORT, 0, 65_535),
                reader.millis(ConfigKeys.HTTP_STOP_TIMEOUT_MS, 0, 600_000));
    }
}
