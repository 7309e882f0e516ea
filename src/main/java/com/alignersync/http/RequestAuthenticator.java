package com.alignersync.http;

import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether a request may drive the daemon. The webhook accepts its shared secret or a
 * Standard Webhooks signature; the operator routes that make the daemon act (poll, reconcile,
 * dead-letter replay) get one that accepts the shared secret only, since a signature does not
 * cover the path and a captured delivery could otherwise be replayed against them.
 */
@FunctionalInterface
public interface RequestAuthenticator {

    /** @return empty when the request is authenticated, else why not (never naming a secret) */
    Optional<String> rejectReason(Function<String, String> header, byte[] body);

    /**
     * Why no request can be accepted at all, whatever it sends (the daemon lacks the secret to
     * check it against), with the setting that fixes it; empty when requests can be authenticated.
     * Such a route answers 503, not 401: there are no credentials to ask the caller for.
     */
    default Optional<String> misconfigured() {
        return Optional.empty();
    }
}
