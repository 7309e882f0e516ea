package com.alignersync.config;

import java.util.Optional;

/**
 * The daemon's two HTTP listeners. The public one carries only the webhook, the one route
 * Supabase must reach from the internet, and refuses to speak plain HTTP on a reachable
 * address unless a TLS proxy is in front of it. The ops one (console, status, metrics,
 * operator routes) stays on this machine by default.
 *
 * @param behindProxy a reverse proxy terminates TLS in front of the public listener
 */
public record HttpServerConfig(HttpListenerConfig webhook, HttpListenerConfig ops, boolean behindProxy) {

    public static HttpServerConfig from(ConfigReader reader) {
        HttpLimits limits = HttpLimits.from(reader);
        Optional<TlsConfig> tls = TlsConfig.from(reader);
        HttpListenerConfig webhook = new HttpListenerConfig("public", address(reader, ConfigKeys.HTTP_BIND_ADDRESS),
                reader.intInRange(ConfigKeys.PORT, 0, 65_535), tls, limits);
        HttpListenerConfig ops = new HttpListenerConfig("ops", address(reader, ConfigKeys.OPS_BIND_ADDRESS),
                reader.intInRange(ConfigKeys.OPS_PORT, 0, 65_535), Optional.empty(), limits);
        return new HttpServerConfig(webhook, ops, reader.bool(ConfigKeys.HTTP_BEHIND_PROXY));
    }

    /**
     * Why the two listeners cannot both listen: the same port on addresses that overlap (one of
     * them every interface, or the same one). Asked only when the webhook, and so the public
     * listener, is on.
     */
    public Optional<String> portClash() {
        boolean sameAddress = webhook.bindAddress().equals(ops.bindAddress()) || wildcard(webhook.bindAddress()) || wildcard(ops.bindAddress());
        if (webhook.port() == 0 || webhook.port() != ops.port() || !sameAddress) {
            return Optional.empty();
        }
        return Optional.of(ConfigKeys.OPS_PORT.label() + " and " + ConfigKeys.PORT.label() + " are both " + ops.port()
                + ": the ops listener (console, status, metrics) needs a port of its own, e.g. " + ConfigKeys.OPS_PORT.property()
                + "=" + (ops.port() + 1));
    }

    private static boolean wildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }

    /**
     * Why the public listener must not start as configured: plain HTTP on an address other
     * machines reach, with nothing said about a proxy in front. Asked only when the webhook is on.
     */
    public Optional<String> plainTextExposure() {
        if (webhook.loopback() || webhook.tls().isPresent() || behindProxy) {
            return Optional.empty();
        }
        return Optional.of(ConfigKeys.HTTP_BIND_ADDRESS.label() + " is " + webhook.bindAddress() + ", so the webhook (patient notes"
                + " and its secret) would cross the network in clear text: set " + ConfigKeys.HTTP_TLS_CERTIFICATE.label()
                + " (and " + ConfigKeys.HTTP_TLS_PRIVATE_KEY.label() + ") for TLS here, or " + ConfigKeys.HTTP_BEHIND_PROXY.label()
                + "=true when a reverse proxy terminates TLS in front of it (docs/security.md), or "
                + ConfigKeys.HTTP_BIND_ADDRESS.property() + "=127.0.0.1 for a proxy on this machine");
    }

    private static String address(ConfigReader reader, ConfigKey key) {
        String bind = reader.string(key);
        if (bind == null || bind.isBlank() || bind.chars().anyMatch(Character::isWhitespace)) {
            reader.problem(key.label() + " is '" + bind + "': expected an address such as 0.0.0.0 or 127.0.0.1");
            return "127.0.0.1";
        }
        return bind;
    }
}
