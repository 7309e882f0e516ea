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
}
