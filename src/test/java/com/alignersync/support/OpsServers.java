package com.alignersync.support;

import com.alignersync.config.HttpListenerConfig;
import com.alignersync.http.HttpServer;
import com.alignersync.http.OpsRoutes;
import com.alignersync.http.RequestAuthenticator;
import com.alignersync.status.ReadinessCheck;
import com.alignersync.status.StatusReport;
import com.alignersync.status.StatusSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** An ops listener as the daemon builds one (console, status, ready, metrics), on a free local port, not started. */
public final class OpsServers {

    private OpsServers() {
    }

    public static HttpServer ops(List<StatusSource> sources, ReadinessCheck readiness, String operatorSecret) {
        return ops(sources, readiness, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), operatorSecret);
    }

    public static HttpServer ops(List<StatusSource> sources, ReadinessCheck readiness, PrometheusMeterRegistry registry, String operatorSecret) {
        HttpServer server = new HttpServer(HttpListenerConfig.local("ops", Duration.ZERO), Clock.systemUTC());
        new OpsRoutes(new StatusReport(sources, readiness, Clock.systemUTC()), readiness, registry, bearer(operatorSecret)).registerOn(server);
        return server;
    }

    /** Accepts {@code Authorization: Bearer <secret>} only. */
    public static RequestAuthenticator bearer(String secret) {
        return (header, body) -> ("Bearer " + secret).equals(header.apply("Authorization"))
                ? Optional.empty() : Optional.of("a valid operator secret is required");
    }
}
