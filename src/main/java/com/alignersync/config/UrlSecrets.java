package com.alignersync.config;

import java.util.regex.Pattern;

/**
 * Connection URLs are not secret keys, but a JDBC URL may carry one inside
 * ({@code password=}, {@code trustStorePassword=}, {@code keyStoreSecret=}): wherever a URL is
 * shown (the configuration dump, logs, {@code toString}) those values are masked.
 */
public final class UrlSecrets {

    // A property whose name ends in password, pwd or secret, up to the next ; or & (JDBC and query-string separators).
    private static final Pattern SECRET_PROPERTY = Pattern.compile("(?i)\\b([a-z]*(?:password|pwd|secret))=[^;&]*");

    private UrlSecrets() {
    }

    public static String mask(String url) {
        return url == null ? null : SECRET_PROPERTY.matcher(url).replaceAll("$1=****");
    }
}
