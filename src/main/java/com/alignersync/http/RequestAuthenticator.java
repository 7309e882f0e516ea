package com.alignersync.http;

import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether a request may drive the daemon (the webhook's shared secret or signature,
 * reused by every route that makes it write to SQL Server).
 */
@FunctionalInterface
public interface RequestAuthenticator {

    /** @return empty when the request is authenticated, else why not (never naming a secret) */
    Optional<String> rejectReason(Function<String, String> header, byte[] body);
}
