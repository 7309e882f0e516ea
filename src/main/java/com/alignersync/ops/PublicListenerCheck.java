package com.alignersync.ops;

import com.alignersync.config.ConfigKeys;
import com.alignersync.config.HttpServerConfig;
import com.alignersync.config.WebhookConfig;
import com.alignersync.http.HttpServer;
import com.alignersync.http.ListenerStatus;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;

/**
 * The {@code check} line for what the internet reaches: the public listener speaks TLS with a
 * certificate that loads and is not about to expire, or stays on loopback, or sits behind a
 * named proxy. The same rules {@code run} applies, said before the daemon is started.
 */
final class PublicListenerCheck {

    static final String NAME = "public listener";

    private PublicListenerCheck() {
    }

    static CheckResult of(WebhookConfig webhook, HttpServerConfig http, Clock clock) {
        if (!webhook.enabled()) {
            return CheckResult.skip(NAME, "webhook.enabled=false: no public listener");
        }
        String where = http.webhook().bindAddress() + ":" + http.webhook().port();
        if (http.webhook().tls().isPresent()) {
            X509Certificate certificate;
            try {
                certificate = HttpServer.servableCertificate(http.webhook().tls().get());
            } catch (IllegalArgumentException e) {
                return CheckResult.fail(NAME, ConfigKeys.HTTP_TLS_CERTIFICATE.label() + ": " + e.getMessage());
            }
            Instant notAfter = certificate.getNotAfter().toInstant();
            String served = "TLS on " + where + ", " + certificate.getSubjectX500Principal().getName() + ", valid until " + notAfter;
            if (ListenerStatus.expiresSoon(notAfter, clock.instant())) {
                return CheckResult.warn(NAME, served + ": renew it (the daemon picks up the new files without a restart);"
                        + " pg_net refuses every webhook once it has expired");
            }
            return CheckResult.ok(NAME, served);
        }
        if (http.behindProxy()) {
            return CheckResult.ok(NAME, "plain HTTP on " + where + " behind the TLS proxy http.behind-proxy names; only the"
                    + " webhook may be forwarded to it (connector-config/proxy/nginx.conf)");
        }
        return http.plainTextExposure().map(problem -> CheckResult.fail(NAME, problem))
                .orElseGet(() -> CheckResult.ok(NAME, "plain HTTP on loopback " + where + " (a TLS proxy on this machine forwards the webhook)"));
    }
}
