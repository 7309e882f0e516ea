package com.alignersync.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A Postgres connection as Supabase shows it, {@code postgresql://user:password@host:port/db?sslmode=require},
 * parsed once. The password may be percent-encoded (a literal {@code +} stays a plus).
 *
 * @param sslMode     null when the URL does not set one
 * @param sslRootCert the CA certificate file that sslmode=verify-full checks the server against (Supabase's
 *                    prod-ca-2021.crt); null when unset (the driver then looks in ~/.postgresql/root.crt)
 */
public record PostgresUrl(String host, int port, String database, String user, String password, String sslMode, String sslRootCert) {

    public PostgresUrl(String host, int port, String database, String user, String password, String sslMode) {
        this(host, port, database, user, password, sslMode, null);
    }

    /** Supavisor, Supabase's pooler, cannot carry a replication connection. */
    public boolean isSupabasePooler() {
        return host.toLowerCase(Locale.ROOT).endsWith(".pooler.supabase.com") || port == 6543;
    }

    /** A JDBC URL without credentials (they go as separate properties, so they are never logged with the URL). */
    public String jdbcUrl() {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        StringBuilder query = new StringBuilder();
        if (sslMode != null) {
            query.append("sslmode=").append(java.net.URLEncoder.encode(sslMode, StandardCharsets.UTF_8));
        }
        if (sslRootCert != null) {
            query.append(query.isEmpty() ? "" : "&").append("sslrootcert=").append(java.net.URLEncoder.encode(sslRootCert, StandardCharsets.UTF_8));
        }
        return "jdbc:postgresql://" + hostPart + ":" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    /**
     * @throws IllegalArgumentException saying what is wrong, never quoting the password
     */
    /**
     * Opens a plain (non-replication) connection with short timeouts, for the slot monitor and
     * the ops commands: a dead or hanging host answers within seconds instead of blocking them.
     */
    public java.sql.Connection connect(String applicationName) throws java.sql.SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", applicationName);
        return java.sql.DriverManager.getConnection(jdbcUrl(), props);
    }

    public static PostgresUrl parse(String url) {
        String rest;
        if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException("must start with postgresql:// (as Supabase's connection string does)");
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        // The last '@' separates credentials from the host: an unencoded '@' in a password still parses.
        int at = rest.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("has no user: expected postgresql://user:password@host:port/database");
        }
        String userInfo = rest.substring(0, at);
        String hostPath = rest.substring(at + 1);
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        if (user.isEmpty()) {
            throw new IllegalArgumentException("has an empty user name");
        }
        int slash = hostPath.indexOf('/');
        String hostPort = slash < 0 ? hostPath : hostPath.substring(0, slash);
        String database = slash < 0 || slash == hostPath.length() - 1 ? "postgres" : decode(hostPath.substring(slash + 1));
        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("has an unclosed [ in the IPv6 host");
            }
            host = hostPort.substring(1, close);
            if (hostPort.length() > close + 1) {
                if (hostPort.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("has text after the IPv6 host");
                }
                portText = hostPort.substring(close + 2);
            }
        } else {
            int c = hostPort.lastIndexOf(':');
            host = c < 0 ? hostPort : hostPort.substring(0, c);
            portText = c < 0 ? null : hostPort.substring(c + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("has no host");
        }
        int port = 5432;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("has port '" + portText + "', expected a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("has port " + port + ", expected 1 to 65535");
            }
        }
        String sslMode = null;
        String sslRootCert = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("sslmode=")) {
                    sslMode = decode(pair.substring("sslmode=".length()));
                } else if (pair.startsWith("sslrootcert=")) {
                    sslRootCert = decode(pair.substring("sslrootcert=".length()));
                }
            }
        }
        return new PostgresUrl(host, port, database, user, password, sslMode, sslRootCert);
    }

    private static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '%') {
                if (i + 2 >= text.length()) {
                    throw new IllegalArgumentException("has a broken %-escape (encode a literal % as %25)");
                }
                try {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("has a broken %-escape (encode a literal % as %25)");
                }
                i += 2;
            } else {
                byte[] bytes = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Records print every component: keep the password out. */
    @Override
    public String toString() {
        return "PostgresUrl[" + user + "@" + host + ":" + port + "/" + database + (sslMode == null ? "" : ", sslmode=" + sslMode)
                + (sslRootCert == null ? "" : ", sslrootcert=" + sslRootCert) + ", password=****]";
    }
}
