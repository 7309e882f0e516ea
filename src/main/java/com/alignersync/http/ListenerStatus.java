package com.alignersync.http;

import com.alignersync.status.StatusSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public listener in status: where it listens, how it is protected, the certificate it
 * serves and until when. A certificate with less than two weeks left, or a renewal that could
 * not be used, is a warning: a lapsed certificate makes pg_net refuse every webhook.
 */
public final class ListenerStatus implements StatusSource {

    /** How long before a certificate expires status and check warn. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    /** Whether a certificate valid until {@code notAfter} is due for renewal at {@code now}. */
    public static boolean expiresSoon(Instant notAfter, Instant now) {
        return now.plus(EXPIRY_WARNING).isAfter(notAfter);
    }

    private final HttpServer server;
    private final boolean behindProxy;

    public ListenerStatus(HttpServer server, boolean behindProxy) {
        this.server = server;
        this.behindProxy = behindProxy;
    }

    @Override
    public String statusName() {
        return "publicListener";
    }

    @Override
    public Map<String, Object> statusSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        out.put("state", "listening");
        out.put("address", server.config().address(server.portOrConfigured()));
        out.put("protection", server.config().tls().isPresent() ? "tls" : behindProxy ? "behind a TLS proxy" : "loopback only");
        server.tlsSnapshot().ifPresent(tls -> {
            out.put("tls", tls);
            Instant notAfter = Instant.parse((String) tls.get("notAfter"));
            if (expiresSoon(notAfter, Instant.now())) {
                warnings.add("the public listener's certificate expires at " + notAfter + ": renew it (the new files are picked up"
                        + " without a restart); pg_net refuses every webhook once it has expired");
            }
            if (tls.containsKey("reloadProblem")) {
                warnings.add("renewed certificate files cannot be served, the previous certificate is still in use: " + tls.get("reloadProblem"));
            }
        });
        out.put("warnings", warnings);
        return out;
    }
}
