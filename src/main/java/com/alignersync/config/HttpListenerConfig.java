package com.alignersync.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One HTTP listener: where it binds, whether it speaks TLS, and its limits.
 *
 * @param name what logs and errors call it ("public" or "ops")
 * @param port 0 picks a free port (tests)
 */
public record HttpListenerConfig(String name, String bindAddress, int port, Optional<TlsConfig> tls, HttpLimits limits) {

    /** A plain listener on a free local port with the shipped limits, as tests start one. */
    public static HttpListenerConfig local(String name, Duration stopTimeout) {
        return new HttpListenerConfig(name, "127.0.0.1", 0, Optional.empty(), HttpLimits.defaults(stopTimeout));
    }

    public HttpListenerConfig withTls(TlsConfig tls) {
        return new HttpListenerConfig(name, bindAddress, port, Optional.of(tls), limits);
    }

    /**
     * Whether only this machine can reach the listener. Decided on the text, without a name
     * lookup: a host name other than localhost counts as reachable from elsewhere.
     */
    public boolean loopback() {
        String address = bindAddress.startsWith("[") && bindAddress.endsWith("]")
                ? bindAddress.substring(1, bindAddress.length() - 1) : bindAddress;
        return address.equalsIgnoreCase("localhost") || address.startsWith("127.") || address.equals("::1")
                || address.equalsIgnoreCase("0:0:0:0:0:0:0:1");
    }

    /** A host to reach this listener at from this machine: a wildcard bind is reached on loopback. */
    public String localHost() {
        if (bindAddress.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (bindAddress.equals("::") || bindAddress.equals("[::]")) {
            return "[::1]";
        }
        return bracketed(bindAddress);
    }

    /** The bind address and {@code port} as a URL writes them ({@code [::1]:3000}). */
    public String address(int port) {
        return bracketed(bindAddress) + ":" + port;
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    @Override
    public String toString() {
        return name + " listener " + bindAddress + ":" + port + (tls.isPresent() ? " (TLS)" : "");
    }
}
